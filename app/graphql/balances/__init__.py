"""Balances (SEMANTICS §11): Balance, BalanceTransaction and TransactionType (`types`), their
root queries (`queries`) and mutations (`mutations`), and the credit source kinds of
`creditApplicationOrder` (`kinds`). Nothing is imported here, so that the organization and
account types can use `kinds` without importing the mutations (which import them)."""
