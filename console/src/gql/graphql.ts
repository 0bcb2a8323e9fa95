/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Whether an access key can obtain tokens. */
export type AccessKeyStatus =
  | 'ACTIVE'
  | 'INACTIVE';

/** A plan to attach to the account being created. */
export type AccountPlanInput = {
  /** Anchor date of this attachment's bills; default the account's. */
  billEpoch?: string | null | undefined;
  /** Where child accounts' charges are billed; default PARENT_BREAKDOWN. */
  childBillingMode?: ChildBillingMode | null | undefined;
  /** Unique code of the attachment. */
  code?: string | null | undefined;
  /** Custom name → string or number map. */
  customFields?: unknown;
  /** Instant the plan stops applying (exclusive); leave out for open-ended. */
  endDate?: string | null | undefined;
  /** The plan, by code (or give planId). */
  planCode?: string | null | undefined;
  /** A plan group to attach instead of a plan (createAccountPlan only). */
  planGroupId?: string | number | null | undefined;
  /** The plan, by id (or give planCode). */
  planId?: string | number | null | undefined;
  /** First instant the plan applies (inclusive, with offset). */
  startDate: string;
};

/** A postal address; every line is optional. */
export type AddressInput = {
  /** First address line. */
  addressLine1?: string | null | undefined;
  /** Second address line. */
  addressLine2?: string | null | undefined;
  /** Third address line. */
  addressLine3?: string | null | undefined;
  /** Fourth address line. */
  addressLine4?: string | null | undefined;
  /** Country. */
  country?: string | null | undefined;
  /** Town or city. */
  locality?: string | null | undefined;
  /** Postal code. */
  postCode?: string | null | undefined;
  /** State, county or region. */
  region?: string | null | undefined;
};

/** How an aggregation turns a field's values in a period into one quantity. */
export type AggregationFunction =
  | 'COUNT'
  | 'LATEST'
  | 'MAX'
  | 'MEAN'
  | 'MIN'
  | 'SUM'
  | 'UNIQUE';

/** Narrows the bill list; every given criterion must hold. */
export type BillFilter = {
  /** Only bills of this account. */
  accountId?: string | number | null | undefined;
  /** Only bills dated this day. */
  billDate?: string | null | undefined;
  /** Only bills last calculated by this job. */
  billJobId?: string | number | null | undefined;
  /** Only these bills. */
  ids?: Array<string | number> | null | undefined;
  /** Only locked (true) or unlocked (false) bills. */
  locked?: boolean | null | undefined;
  /** Only bills in this status. */
  status?: BillStatus | null | undefined;
};

/** How often a plan bills: every interval days, weeks, months or years. */
export type BillFrequency =
  | 'ANNUALLY'
  | 'DAILY'
  | 'MONTHLY'
  | 'WEEKLY';

/** Where a bill job is: PENDING → INITIALIZING → RUNNING → COMPLETE, or CANCELLED, or FAILED. */
export type BillJobStatus =
  | 'CANCELLED'
  | 'COMPLETE'
  | 'FAILED'
  | 'INITIALIZING'
  | 'PENDING'
  | 'RUNNING';

/** What a bill job does: create the bills of a period, or recalculate given bills. */
export type BillJobType =
  | 'CREATE'
  | 'RECALCULATE';

/** Where a bill is in its lifecycle (SEMANTICS §7.5). */
export type BillStatus =
  | 'APPROVED'
  | 'PENDING';

/** How often a bill falls; AD_HOC is a bill outside any plan's schedule (a commitment fee). */
export type BillingFrequency =
  | 'AD_HOC'
  | 'ANNUALLY'
  | 'DAILY'
  | 'MONTHLY'
  | 'WEEKLY';

/** Where a child account's charges are billed. */
export type ChildBillingMode =
  | 'CHILD'
  | 'PARENT_BREAKDOWN'
  | 'PARENT_SUMMARY';

/** One scheduled commitment fee. */
export type CommitmentFeeInput = {
  /** Fee amount, greater than 0. */
  amount: string;
  /** Bill date carrying the fee. */
  date: string;
  /** End of the period the fee pays for (not before its start). */
  servicePeriodEndDate: string;
  /** Start of the period the fee pays for. */
  servicePeriodStartDate: string;
};

/** A commitment of the account being created. */
export type CommitmentInput = {
  /** Committed amount, greater than 0. */
  amount: string;
  /** Part billed on the first fee bill, at least 0; default 0. */
  amountFirstBill?: string | null | undefined;
  /** Part already paid, at least 0; default 0. */
  amountPrePaid?: string | null | undefined;
  /** Fees every this many bills of the billing plan, 1–365; default 1. */
  billingInterval?: number | null | undefined;
  /** Bills of the billing plan skipped before the first fee, 0–364; default 0. */
  billingOffset?: number | null | undefined;
  /** Plan whose bill dates carry the fees (or give feeDates). */
  billingPlanId?: string | number | null | undefined;
  /** Where child accounts' drawdown is billed. */
  childBillingMode?: ChildBillingMode | null | undefined;
  /** Unique code. */
  code?: string | null | undefined;
  /** Fee timing; default the organization's. */
  commitmentFeeBillInAdvance?: boolean | null | undefined;
  /** Text of fee lines. */
  commitmentFeeDescription?: string | null | undefined;
  /** Text of drawdown lines. */
  commitmentUsageDescription?: string | null | undefined;
  /** Currency of the amounts. */
  currency: string;
  /** Day after the last (exclusive). */
  endDate: string;
  /** Scheduled fees (or give billingPlanId). */
  feeDates?: Array<CommitmentFeeInput> | null | undefined;
  /** Line kinds that draw down; empty = all. */
  lineItemTypes?: Array<CommitmentLineItemType> | null | undefined;
  /** Text of overage lines. */
  overageDescription?: string | null | undefined;
  /** Surcharge on spend beyond the commitment, in percent (may be negative). */
  overageSurchargePercent?: string | null | undefined;
  /** Products whose charges draw down; empty = all. */
  productIds?: Array<string | number> | null | undefined;
  /** Show usage beyond the commitment separately (only without a surcharge). */
  separateOverageUsage?: boolean | null | undefined;
  /** First day (inclusive). */
  startDate: string;
};

/** Kinds of bill line a commitment can draw down. */
export type CommitmentLineItemType =
  | 'COUNTER_ADJUSTMENT_DEBIT'
  | 'COUNTER_RUNNING_TOTAL_CHARGE'
  | 'MINIMUM_SPEND'
  | 'STANDING_CHARGE'
  | 'USAGE';

/** A new account, optionally with its children, plan attachments and commitments (all or nothing). */
export type CreateAccountInput = {
  /** Plans to attach to it. */
  accountPlans?: Array<AccountPlanInput> | null | undefined;
  /** Postal address. */
  address?: AddressInput | null | undefined;
  /** Anchor date of this account's bills; default the organization's epoch. */
  billEpoch?: string | null | undefined;
  /** Child accounts to create with it (they cannot have children). */
  children?: Array<CreateAccountInput> | null | undefined;
  /** Unique code; measurements name the account by it. */
  code: string;
  /** Its commitments. */
  commitments?: Array<CommitmentInput> | null | undefined;
  /** Order its bills draw on commitments (PREPAYMENT) and balances (BALANCE); default the organization's. */
  creditApplicationOrder?: Array<CreditSourceKind> | null | undefined;
  /** Billing currency; default the organization's. */
  currency?: string | null | undefined;
  /** Custom name → string or number map. */
  customFields?: unknown;
  /** Days from bill date to due date (> 0); default the organization's. */
  daysBeforeBillDue?: number | null | undefined;
  /** Billing contact email address. */
  emailAddress: string;
  /** Display name. */
  name: string;
  /** Make it a child of this account (not with children). */
  parentAccountId?: string | number | null | undefined;
  /** Purchase order number printed on bills. */
  purchaseOrderNumber?: string | null | undefined;
};

/** A plan to attach to an existing account. */
export type CreateAccountPlanInput = {
  /** The account. */
  accountId: string | number;
  /** Anchor date of this attachment's bills; default the account's. */
  billEpoch?: string | null | undefined;
  /** Where child accounts' charges are billed; default PARENT_BREAKDOWN. */
  childBillingMode?: ChildBillingMode | null | undefined;
  /** Unique code of the attachment. */
  code?: string | null | undefined;
  /** Custom name → string or number map. */
  customFields?: unknown;
  /** Instant the plan stops applying (exclusive); leave out for open-ended. */
  endDate?: string | null | undefined;
  /** The plan, by code (or give planId). */
  planCode?: string | null | undefined;
  /** A plan group to attach instead of a plan (createAccountPlan only). */
  planGroupId?: string | number | null | undefined;
  /** The plan, by id (or give planCode). */
  planId?: string | number | null | undefined;
  /** First instant the plan applies (inclusive, with offset). */
  startDate: string;
};

/** A new aggregation. Inside a meter (createMeter, createProduct) meterId is left out. */
export type CreateAggregationInput = {
  /** Must suit the target field's category. */
  aggregation: AggregationFunction;
  /** Identifier, unique in the organization. */
  code: string;
  /** Custom name → string or number map. */
  customFields?: unknown;
  /** Quantity (≥ 0) used when a period has no usage. */
  defaultValue?: string | null | undefined;
  /** The meter (required in createAggregation). */
  meterId?: string | number | null | undefined;
  /** Display name. */
  name: string;
  /** Raw quantity per billable unit, > 0; default 1. */
  quantityPerUnit?: string | null | undefined;
  /** Default NONE. */
  rounding?: Rounding | null | undefined;
  /** Up to 5 codes of WHO/WHAT/WHERE/OTHER fields. */
  segmentedFields?: Array<string> | null | undefined;
  /** Up to 1000 maps of segmented field → value; a field left out is "*". */
  segments?: Array<unknown> | null | undefined;
  /** Code of the meter's data or derived field to aggregate. */
  targetField: string;
  /** Unit label printed on line items. */
  unit?: string | null | undefined;
};

/** Bills to make: name the period by lastDateInBillingPeriod or billDate. */
export type CreateBillJobInput = {
  /** Only these accounts; none = every account with an active plan. */
  accountIds?: Array<string | number> | null | undefined;
  /** Bill the periods whose bill date is this day. */
  billDate?: string | null | undefined;
  /** Only plans of this frequency; none = all. */
  billingFrequency?: BillFrequency | null | undefined;
  /** Conversions to use instead of the organization's. */
  currencyConversions?: Array<CurrencyConversionInput> | null | undefined;
  /** The external invoice date of every bill the job writes, instead of the rule's. */
  externalInvoiceDate?: string | null | undefined;
  /** Bill the periods ending on this day. */
  lastDateInBillingPeriod?: string | null | undefined;
};

/** A new compound aggregation. */
export type CreateCompoundAggregationInput = {
  /** Expression over aggregation.<code> references. */
  calculation: string;
  /** Identifier, unique in the organization. */
  code: string;
  /** Custom name → string or number map. */
  customFields?: unknown;
  /** Run the calculation even when a referenced aggregation is null; default false. */
  evaluateNullAggregations?: boolean | null | undefined;
  /** Display name. */
  name: string;
  /** Product; left out: global (may then use only global aggregations). */
  productId?: string | number | null | undefined;
  /** Calculated quantity per billable unit, > 0; default 1. */
  quantityPerUnit?: string | null | undefined;
  /** Default NONE. */
  rounding?: Rounding | null | undefined;
  /** Unit label printed on line items. */
  unit?: string | null | undefined;
};

/** A new meter, optionally with its aggregations (all or nothing). */
export type CreateMeterInput = {
  /** Aggregations over this meter, created with it. */
  aggregations?: Array<CreateAggregationInput> | null | undefined;
  /** Unique code in the organization. */
  code: string;
  /** Custom name → string or number map. */
  customFields?: unknown;
  /** 1–15 fields read from each measurement. */
  dataFields: Array<DataFieldInput>;
  /** 0–15 fields computed at ingest. */
  derivedFields?: Array<DerivedFieldInput> | null | undefined;
  /** Display name. */
  name: string;
  /** Product of the meter; left out: a global meter. */
  productId?: string | number | null | undefined;
};

/** A new plan. Overrides left out read through to the template. */
export type CreatePlanInput = {
  /** Makes the plan bespoke to this account (only checked to be an id until accounts exist). */
  accountId?: string | number | null | undefined;
  /** Unique code. */
  code: string;
  /** Custom name → string or number map. */
  customFields?: unknown;
  /** Overrides the template's minimum spend (≥ 0). */
  minimumSpend?: string | null | undefined;
  /** Overrides the template's minimum-spend timing. */
  minimumSpendBillInAdvance?: boolean | null | undefined;
  /** Overrides the template's minimum-spend description. */
  minimumSpendDescription?: string | null | undefined;
  /** Display name. */
  name: string;
  /** The template (required unless nested in a template input). */
  planTemplateId?: string | number | null | undefined;
  /** Pricings of the new plan (no planId / planTemplateId). */
  pricings?: Array<CreatePricingInput> | null | undefined;
  /** Overrides the template's standing charge (≥ 0). */
  standingCharge?: string | null | undefined;
  /** Overrides the template's standing-charge timing. */
  standingChargeBillInAdvance?: boolean | null | undefined;
  /** Overrides the template's standing-charge description. */
  standingChargeDescription?: string | null | undefined;
};

/** A new plan template, optionally with its pricings and plans, all or nothing. */
export type CreatePlanTemplateInput = {
  /** DAILY, WEEKLY, MONTHLY or ANNUALLY. */
  billFrequency: BillFrequency;
  /** 1–365, default 1. */
  billFrequencyInterval?: number | null | undefined;
  /** Unique code. */
  code: string;
  /** Pricing currency code (an organization currency). */
  currency: string;
  /** Custom name → string or number map. */
  customFields?: unknown;
  /** ≥ 0, default 0. */
  minimumSpend?: string | null | undefined;
  /** Minimum-spend timing; none: the organization's default. */
  minimumSpendBillInAdvance?: boolean | null | undefined;
  /** Line item text of the minimum spend. */
  minimumSpendDescription?: string | null | undefined;
  /** Display name. */
  name: string;
  /** Plans of the template, each with its pricings (no planTemplateId). */
  plans?: Array<CreatePlanInput> | null | undefined;
  /** Pricings of the template (no planId / planTemplateId). */
  pricings?: Array<CreatePricingInput> | null | undefined;
  /** The product (required unless nested in a product input). */
  productId?: string | number | null | undefined;
  /** ≥ 0, default 0. */
  standingCharge?: string | null | undefined;
  /** Standing-charge timing; none: the organization's default. */
  standingChargeBillInAdvance?: boolean | null | undefined;
  /** Line item text of the standing charge. */
  standingChargeDescription?: string | null | undefined;
  /** 1–365, default 1. */
  standingChargeInterval?: number | null | undefined;
  /** 0–364, default 0. */
  standingChargeOffset?: number | null | undefined;
};

/** A new pricing. Give planId or planTemplateId (not inside a plan or template input, which implies it) and one of aggregationId, aggregationCode, compoundAggregationId, compoundAggregationCode. */
export type CreatePricingInput = {
  /** The aggregation priced, by code. */
  aggregationCode?: string | null | undefined;
  /** The aggregation priced, by id. */
  aggregationId?: string | number | null | undefined;
  /** Optional code, unique among pricings. */
  code?: string | null | undefined;
  /** The compound aggregation priced, by code. */
  compoundAggregationCode?: string | null | undefined;
  /** The compound aggregation priced, by id. */
  compoundAggregationId?: string | number | null | undefined;
  /** Tiered (true, default) or volume (false) pricing. */
  cumulative?: boolean | null | undefined;
  /** Line item text. */
  description?: string | null | undefined;
  /** Instant the pricing stops applying (exclusive); none: open-ended. */
  endDate?: string | null | undefined;
  /** Minimum spend per bill period (≥ 0); default 0. */
  minimumSpend?: string | null | undefined;
  /** Minimum spend timing; none: the organization's default. */
  minimumSpendBillInAdvance?: boolean | null | undefined;
  /** Line item text of the minimum spend. */
  minimumSpendDescription?: string | null | undefined;
  /** Bands beyond a commitment; only with cumulative true and tiersSpanPlan false. */
  overagePricingBands?: Array<PricingBandInput> | null | undefined;
  /** The plan priced. */
  planId?: string | number | null | undefined;
  /** The plan template priced. */
  planTemplateId?: string | number | null | undefined;
  /** At least one band, ascending lowerLimit, the first at 0. */
  pricingBands: Array<PricingBandInput>;
  /** One of the aggregation's segments; required for a segmented aggregation. */
  segment?: unknown;
  /** First instant the pricing applies (inclusive). */
  startDate: string;
  /** Band positions count earlier periods' units; default false. */
  tiersSpanPlan?: boolean | null | undefined;
  /** Default DEBIT. */
  type?: PricingType | null | undefined;
};

/** A new product, optionally with its whole catalog; all of it is created or none. */
export type CreateProductInput = {
  /** Unique code. */
  code: string;
  /** Compound aggregations over this input's aggregations and global ones. */
  compoundAggregations?: Array<CreateCompoundAggregationInput> | null | undefined;
  /** Counter pricings of this input's plan templates or plans, counters by code. */
  counterPricings?: Array<NestedCounterPricingInput> | null | undefined;
  /** Counters of the product (SEMANTICS §8.1; productId left out). */
  counters?: Array<NestedCounterInput> | null | undefined;
  /** Custom name → string or number map. */
  customFields?: unknown;
  /** Meters of the product, each with its fields and aggregations (productId left out). */
  meters?: Array<CreateMeterInput> | null | undefined;
  /** Display name. */
  name: string;
  /** Plan templates with their pricings and plans; pricings name aggregations by code. */
  planTemplates?: Array<CreatePlanTemplateInput> | null | undefined;
};

/** A kind of prepaid money bills draw on, in creditApplicationOrder. */
export type CreditSourceKind =
  | 'BALANCE'
  | 'PREPAYMENT';

/** A conversion rate. */
export type CurrencyConversionInput = {
  /** Currency converted from. */
  from: string;
  /** Greater than 0. */
  multiplier: string;
  /** Currency converted to. */
  to: string;
};

/** Where a measurement carries a field's value, and what the value is. */
export type DataFieldCategory =
  | 'COST'
  | 'INCOME'
  | 'MEASURE'
  | 'METADATA'
  | 'OTHER'
  | 'WHAT'
  | 'WHERE'
  | 'WHO';

/** A field read from each measurement. */
export type DataFieldInput = {
  /** Where the value is read from and what it may be used for. */
  category: DataFieldCategory;
  /** Identifier, unique within the meter across data and derived fields. */
  code: string;
  /** Display name. */
  name: string;
  /** Unit label. */
  unit?: string | null | undefined;
};

/** A field computed from the data fields and ts at ingest. */
export type DerivedFieldInput = {
  /** Expression over the meter's data field codes and ts (SEMANTICS §3.5). */
  calculation: string;
  /** What the value is; a MEASURE/INCOME/COST calculation must yield a number. */
  category: DataFieldCategory;
  /** Identifier, unique within the meter across data and derived fields. */
  code: string;
  /** Display name. */
  name: string;
  /** Unit label. */
  unit?: string | null | undefined;
};

/** Invite a person by email. */
export type InviteUserInput = {
  /** Their email address. */
  email: string;
  /** First name. */
  firstName: string;
  /** Last name. */
  lastName: string;
  /** Policies to attach. */
  permissionPolicyIds?: Array<string | number>;
};

/** Kind of bill line (SEMANTICS §7.2), in bill order. */
export type LineItemType =
  | 'AD_HOC'
  | 'BALANCE_CONSUMED'
  | 'BALANCE_FEE'
  | 'COMMITMENT_CONSUMED'
  | 'COMMITMENT_FEE'
  | 'COUNTER_ADJUSTMENT_CREDIT'
  | 'COUNTER_ADJUSTMENT_DEBIT'
  | 'COUNTER_RUNNING_TOTAL_CHARGE'
  | 'CREDIT_MEMO'
  | 'DEBIT_MEMO'
  | 'MINIMUM_SPEND'
  | 'MINIMUM_SPEND_REFUND'
  | 'OVERAGE_SURCHARGE'
  | 'OVERAGE_USAGE'
  | 'STANDING_CHARGE'
  | 'USAGE'
  | 'USAGE_CREDIT';

/** Narrows the measurements list; every given criterion must hold. */
export type MeasurementFilter = {
  /** Only the account with this code. */
  accountCode?: string | null | undefined;
  /** Only this account. */
  accountId?: string | number | null | undefined;
  /** Only measurements of this batch. */
  batchId?: string | number | null | undefined;
  /** ts at or after this instant. */
  from?: string | null | undefined;
  /** Only the meter with this code. */
  meterCode?: string | null | undefined;
  /** Only this meter. */
  meterId?: string | number | null | undefined;
  /** ts before this instant. */
  to?: string | null | undefined;
  /** Only the measurement with this uid. */
  uid?: string | null | undefined;
};

/** A counter created with its product (productId left out: the product is implied). */
export type NestedCounterInput = {
  /** Unique code. */
  code: string;
  /** Display name (1–200 characters). */
  name: string;
  /** Unit printed on its bill lines (1–80 characters). */
  unit: string;
};

/** A counter pricing created with its product: its owner is a plan template or plan of the same input (planTemplateCode or planCode, exactly one), its counter one of the same input or a global one (counterCode). */
export type NestedCounterPricingInput = {
  /** Optional code, unique among counter pricings. */
  code?: string | null | undefined;
  /** The counter, by code: of this input, or a global one. */
  counterCode: string;
  /** Tiered (true, default) or volume (false) pricing. */
  cumulative?: boolean | null | undefined;
  /** Text of its bill lines. */
  description?: string | null | undefined;
  /** Instant it stops applying (exclusive); none: open-ended. */
  endDate?: string | null | undefined;
  /** The plan of this input priced. */
  planCode?: string | null | undefined;
  /** The plan template of this input priced. */
  planTemplateCode?: string | null | undefined;
  /** At least one band, the first at 0. */
  pricingBands: Array<PricingBandInput>;
  /** Prorate credit adjustments by days (default true). */
  proRateAdjustmentCredit?: boolean | null | undefined;
  /** Prorate debit adjustments by days (default true). */
  proRateAdjustmentDebit?: boolean | null | undefined;
  /** Prorate running totals by days (default true). */
  proRateRunningTotal?: boolean | null | undefined;
  /** Running totals in advance (default true). */
  runningTotalBillInAdvance?: boolean | null | undefined;
  /** First instant it applies (inclusive). */
  startDate: string;
};

/** A pricing band. */
export type PricingBandInput = {
  /** Price charged once the band is entered; default 0. */
  fixedPrice?: string | null | undefined;
  /** Units from which the band applies; the first band's is 0, then strictly increasing. */
  lowerLimit: string;
  /** Price of each unit in the band. */
  unitPrice: string;
};

/** A pricing band being edited; numbers as text, so a malformed one is reported on its cell. */
export type PricingPreviewBandInput = {
  /** Price charged once the band is entered; empty means 0. */
  fixedPrice?: string | null | undefined;
  /** Units from which the band applies (the first band's is 0). */
  lowerLimit?: string | null | undefined;
  /** Price of each unit in the band. */
  unitPrice?: string | null | undefined;
};

/** Bands and a number of units to price, as a bill run would. */
export type PricingPreviewInput = {
  /** true: tiered; false: volume (stairstep when every unit price is 0). */
  cumulative: boolean;
  /** Units of earlier periods of the account plan (tiersSpanPlan); default 0. */
  previousUnits?: string | null | undefined;
  /** The bands, ascending lowerLimit, the first at 0. */
  pricingBands: Array<PricingPreviewBandInput>;
  /** Raw quantity per unit, for each band's quantity; default 1. */
  quantityPerUnit?: string | null | undefined;
  /** Units to price (after quantityPerUnit and rounding). */
  units: string;
};

/** What a pricing produces: a debit (charge), a product credit or a global credit. */
export type PricingType =
  | 'DEBIT'
  | 'GLOBAL_CREDIT'
  | 'PRODUCT_CREDIT';

/** End an account plan at `date` and attach another plan from `date` on. */
export type ReplaceAccountPlanInput = {
  /** The account plan to end. */
  accountPlanId: string | number;
  /** Anchor date of the new attachment's bills; default the old one's. */
  billEpoch?: string | null | undefined;
  /** Default the old attachment's. */
  childBillingMode?: ChildBillingMode | null | undefined;
  /** Unique code of the new attachment. */
  code?: string | null | undefined;
  /** Default the old attachment's. */
  customFields?: unknown;
  /** Instant the old plan ends (exclusive) and the new one starts. */
  date: string;
  /** The new plan, by code (or give planId). */
  planCode?: string | null | undefined;
  /** The new plan, by id (or give planCode). */
  planId?: string | number | null | undefined;
  /** The version of that account plan you read. */
  version: number;
};

/** How quantity / quantityPerUnit becomes billable units. */
export type Rounding =
  | 'DOWN'
  | 'NEAREST'
  | 'NONE'
  | 'UP';

/** Activate or deactivate an access key. */
export type UpdateAccessKeyInput = {
  /** Id of the key record. */
  id: string | number;
  /** New status. */
  status: AccessKeyStatus;
  /** The version you read. */
  version: number;
};

/** Account plan fields to change (end-date it by setting endDate). */
export type UpdateAccountPlanInput = {
  /** Anchor date of this attachment's bills. Refused once bills carry its lines: use replaceAccountPlan. */
  billEpoch?: string | null | undefined;
  /** Where child accounts' charges are billed. */
  childBillingMode?: ChildBillingMode | null | undefined;
  /** Unique code. */
  code?: string | null | undefined;
  /** Custom name → string or number map. */
  customFields?: unknown;
  /** Instant the plan stops applying (exclusive); null = open-ended. */
  endDate?: string | null | undefined;
  /** The account plan. */
  id: string | number;
  /** First instant the plan applies (inclusive). */
  startDate?: string | null | undefined;
  /** The version you read. */
  version: number;
};

/** Pricing fields to change; the plan or template cannot change. Naming a target replaces the current one. */
export type UpdatePricingInput = {
  /** New target aggregation, by code. */
  aggregationCode?: string | null | undefined;
  /** New target aggregation, by id. */
  aggregationId?: string | number | null | undefined;
  /** Unique code; null: none. */
  code?: string | null | undefined;
  /** New target compound aggregation, by code. */
  compoundAggregationCode?: string | null | undefined;
  /** New target compound aggregation, by id. */
  compoundAggregationId?: string | number | null | undefined;
  /** Tiered (true) or volume (false). */
  cumulative?: boolean | null | undefined;
  /** Line item text. */
  description?: string | null | undefined;
  /** Last instant (exclusive); null: open-ended. */
  endDate?: string | null | undefined;
  /** The pricing. */
  id: string | number;
  /** ≥ 0. */
  minimumSpend?: string | null | undefined;
  /** null: the organization's default. */
  minimumSpendBillInAdvance?: boolean | null | undefined;
  /** Line item text of the minimum spend. */
  minimumSpendDescription?: string | null | undefined;
  /** Bands beyond a commitment. */
  overagePricingBands?: Array<PricingBandInput> | null | undefined;
  /** At least one band. */
  pricingBands?: Array<PricingBandInput> | null | undefined;
  /** One of the aggregation's segments. */
  segment?: unknown;
  /** First instant (inclusive). */
  startDate?: string | null | undefined;
  /** Band positions count earlier periods' units. */
  tiersSpanPlan?: boolean | null | undefined;
  /** DEBIT, PRODUCT_CREDIT or GLOBAL_CREDIT. */
  type?: PricingType | null | undefined;
  /** The version you read. */
  version: number;
};

/** Deactivate a user, or make one ACTIVE again. */
export type UpdateUserInput = {
  /** Id of the user. */
  id: string | number;
  /** ACTIVE or INACTIVE. INACTIVE revokes the user's login tokens for good (an invitation too); ACTIVE lets a user who has a password log in again. Nobody can deactivate themselves. */
  status: string;
  /** The version you read. */
  version: number;
};

/** Why an input was refused. */
export type UserErrorCode =
  | 'CONFLICT'
  | 'DUPLICATE'
  | 'INVALID'
  | 'INVALID_STATE'
  | 'IN_USE'
  | 'NOT_FOUND'
  | 'REQUIRED';

export type AggregationUsageQueryVariables = Exact<{
  accountId: string | number;
  aggregationId: string | number;
  m0: string;
  m1: string;
  m2: string;
  m3: string;
}>;


export type AggregationUsageQuery = { twoAgo: { quantity: string | null, units: string | null } | null, lastMonth: { quantity: string | null, units: string | null } | null, thisMonth: { quantity: string | null, units: string | null } | null };

export type PricingPreviewQueryVariables = Exact<{
  input: PricingPreviewInput;
}>;


export type PricingPreviewQuery = { pricingPreview: { charge: { units: string, subtotal: string, averageUnitPrice: string, bands: Array<{ lowerLimit: string, unitPrice: string, fixedPrice: string, bandUnits: string, bandSubtotal: string }> } | null, userErrors: Array<{ field: Array<string>, code: UserErrorCode, message: string }> } };

export type GenerateBillStatementMutationVariables = Exact<{
  id: string | number;
}>;


export type GenerateBillStatementMutation = { generateBillStatement: { bill: { id: string, jsonStatementGenerated: boolean, csvStatementGenerated: boolean, statementStale: boolean } | null, userErrors: Array<{ field: Array<string>, message: string }> } };

export type PlanChoicesQueryVariables = Exact<{ [key: string]: never; }>;


export type PlanChoicesQuery = { plans: { nodes: Array<{ id: string, code: string, name: string, currency: string, billFrequency: BillFrequency }> } };

export type RecentMeasurementsQueryVariables = Exact<{
  filter: MeasurementFilter;
}>;


export type RecentMeasurementsQuery = { measurements: { nodes: Array<{ ts: string, data: unknown }> } };

export type IngestBatchQueryVariables = Exact<{
  id: string | number;
}>;


export type IngestBatchQuery = { ingestBatch: { id: string, status: string, stored: number | null, duplicates: number | null, rejected: number | null, lastError: string | null, failures: { nodes: Array<{ index: number, reason: string }> } } | null };

export type AccountPageQueryVariables = Exact<{
  id: string | number;
}>;


export type AccountPageQuery = { account: { id: string, code: string, name: string, emailAddress: string | null, currency: string | null, parent: { id: string, code: string } | null, children: { nodes: Array<{ id: string, code: string, name: string }> }, accountPlans: { nodes: Array<{ id: string, version: number, code: string | null, startDate: string, endDate: string | null, plan: { id: string, code: string, name: string, pricings: { nodes: Array<{ aggregation: { id: string, name: string } | null }> } } | null }> }, commitments: { nodes: Array<{ id: string, code: string | null, currency: string, amount: string, amountSpent: string, startDate: string, endDate: string }> }, bills: { nodes: Array<{ id: string, billDate: string, status: BillStatus, locked: boolean, billTotal: string, currency: string }> } } | null };

export type AttachPlanMutationVariables = Exact<{
  input: CreateAccountPlanInput;
}>;


export type AttachPlanMutation = { createAccountPlan: { accountPlan: { id: string } | null, userErrors: Array<{ field: Array<string>, message: string }> } };

export type EndAccountPlanMutationVariables = Exact<{
  input: UpdateAccountPlanInput;
}>;


export type EndAccountPlanMutation = { updateAccountPlan: { accountPlan: { id: string } | null, userErrors: Array<{ field: Array<string>, message: string }> } };

export type ReplaceAccountPlanMutationVariables = Exact<{
  input: ReplaceAccountPlanInput;
}>;


export type ReplaceAccountPlanMutation = { replaceAccountPlan: { userErrors: Array<{ field: Array<string>, message: string }> } };

export type AccountsQueryVariables = Exact<{
  search?: string | null | undefined;
}>;


export type AccountsQuery = { accounts: { totalCount: number, nodes: Array<{ id: string, code: string, name: string, emailAddress: string | null, currency: string | null, parent: { code: string } | null }> } };

export type BillJobsQueryVariables = Exact<{ [key: string]: never; }>;


export type BillJobsQuery = { billJobs: { nodes: Array<{ id: string, status: BillJobStatus, type: BillJobType, billingFrequency: BillFrequency | null, lastDateInBillingPeriod: string | null, total: number, pending: number, failed: number, failureReason: string | null, dtCreated: string, failures: Array<{ accountId: string, reason: string }> }> } };

export type BillPageQueryVariables = Exact<{
  id: string | number;
}>;


export type BillPageQuery = { bill: { id: string, version: number, accountId: string, accountCode: string, billDate: string, dueDate: string, startDate: string, endDate: string, billingFrequency: BillingFrequency, currency: string, status: BillStatus, locked: boolean, billTotal: string, billJobId: string | null, lastCalculatedDate: string | null, lastDateInBillingPeriod: string, jsonStatementGenerated: boolean, csvStatementGenerated: boolean, statementStale: boolean, lineItems: { totalCount: number, nodes: Array<{ id: string, lineItemType: LineItemType, description: string | null, quantity: string | null, units: string | null, unit: string | null, subtotal: string, currency: string, convertedSubtotal: string, averageUnitPrice: string | null, servicePeriodStartDate: string | null, servicePeriodEndDate: string | null, usagePerPricingBand: Array<{ lowerLimit: string, unitPrice: string, fixedPrice: string, bandUnits: string, bandSubtotal: string }> }> } } | null };

export type ApproveBillMutationVariables = Exact<{
  ids: Array<string | number> | string | number;
}>;


export type ApproveBillMutation = { approveBills: { bills: Array<{ id: string, status: BillStatus, version: number }> | null, userErrors: Array<{ field: Array<string>, message: string }> } };

export type LockBillMutationVariables = Exact<{
  id: string | number;
  version: number;
}>;


export type LockBillMutation = { lockBill: { bill: { id: string, locked: boolean, version: number } | null, userErrors: Array<{ field: Array<string>, message: string }> } };

export type RecalculateBillMutationVariables = Exact<{
  ids: Array<string | number> | string | number;
}>;


export type RecalculateBillMutation = { recalculateBills: { billJob: { id: string } | null, userErrors: Array<{ field: Array<string>, message: string }> } };

export type BillsQueryVariables = Exact<{
  filter?: BillFilter | null | undefined;
}>;


export type BillsQuery = { bills: { totalCount: number, nodes: Array<{ id: string, accountCode: string, billDate: string, startDate: string, endDate: string, status: BillStatus, locked: boolean, billTotal: string, currency: string, billingFrequency: BillingFrequency }> } };

export type MeterPageQueryVariables = Exact<{
  id: string | number;
}>;


export type MeterPageQuery = { me: { organizationId: string }, meter: { id: string, code: string, name: string, productId: string | null, dataFields: Array<{ code: string, name: string, category: DataFieldCategory, unit: string | null }>, derivedFields: Array<{ code: string, name: string, category: DataFieldCategory, unit: string | null, calculation: string }>, aggregations: { nodes: Array<{ id: string, code: string, name: string, aggregation: AggregationFunction, targetField: string, quantityPerUnit: string, rounding: Rounding, unit: string | null }> } } | null };

export type CreateAccountMutationVariables = Exact<{
  input: CreateAccountInput;
}>;


export type CreateAccountMutation = { createAccount: { account: { id: string } | null, userErrors: Array<{ field: Array<string>, code: UserErrorCode, message: string }> } };

export type CreateProductMutationVariables = Exact<{
  input: CreateProductInput;
}>;


export type CreateProductMutation = { createProduct: { product: { id: string } | null, userErrors: Array<{ field: Array<string>, code: UserErrorCode, message: string }> } };

export type OrganizationPageQueryVariables = Exact<{ [key: string]: never; }>;


export type OrganizationPageQuery = { organizationConfig: { timezone: string, currency: string, dayEpoch: string, weekEpoch: string, monthEpoch: string, yearEpoch: string, daysBeforeBillDue: number, currencyConversions: Array<{ from: string, to: string, multiplier: string }> }, currencies: { nodes: Array<{ id: string, code: string, name: string, maxDecimalPlaces: number, roundingMode: string }> }, users: { nodes: Array<{ id: string, version: number, email: string, firstName: string, lastName: string, status: string, permissionPolicies: Array<{ name: string }> }> }, serviceUsers: { nodes: Array<{ id: string, name: string, description: string | null, permissionPolicies: Array<{ name: string }>, accessKeys: { nodes: Array<{ id: string, version: number, accessKeyId: string, status: AccessKeyStatus }> } }> }, permissionPolicies: { nodes: Array<{ id: string, name: string, managed: boolean, statements: Array<{ effect: string, action: Array<string>, resource: Array<string> }> }> } };

export type CreateAccessKeyMutationVariables = Exact<{
  serviceUserId: string | number;
}>;


export type CreateAccessKeyMutation = { createAccessKey: { apiSecret: string | null, accessKey: { accessKeyId: string } | null, userErrors: Array<{ message: string }> } };

export type InviteUserMutationVariables = Exact<{
  input: InviteUserInput;
}>;


export type InviteUserMutation = { inviteUser: { invitationToken: string | null, user: { id: string } | null, userErrors: Array<{ field: Array<string>, message: string }> } };

export type UpdateUserMutationVariables = Exact<{
  input: UpdateUserInput;
}>;


export type UpdateUserMutation = { updateUser: { user: { id: string, status: string } | null, userErrors: Array<{ message: string }> } };

export type UpdateAccessKeyMutationVariables = Exact<{
  input: UpdateAccessKeyInput;
}>;


export type UpdateAccessKeyMutation = { updateAccessKey: { accessKey: { id: string, status: AccessKeyStatus } | null, userErrors: Array<{ message: string }> } };

export type PricingPageQueryVariables = Exact<{
  id: string | number;
}>;


export type PricingPageQuery = { pricing: { id: string, version: number, description: string | null, productId: string, cumulative: boolean, tiersSpanPlan: boolean, startDate: string, endDate: string | null, pricingBands: Array<{ lowerLimit: string, unitPrice: string, fixedPrice: string }>, aggregation: { name: string, code: string } | null, compoundAggregation: { name: string, code: string } | null, plan: { name: string, code: string } | null, planTemplate: { name: string, code: string } | null } | null };

export type UpdatePricingMutationVariables = Exact<{
  input: UpdatePricingInput;
}>;


export type UpdatePricingMutation = { updatePricing: { pricing: { id: string, version: number, cumulative: boolean, tiersSpanPlan: boolean, pricingBands: Array<{ lowerLimit: string, unitPrice: string, fixedPrice: string }> } | null, userErrors: Array<{ field: Array<string>, code: UserErrorCode, message: string }> } };

export type ProductTreeQueryVariables = Exact<{
  id: string | number;
}>;


export type ProductTreeQuery = { product: { id: string, code: string, name: string, meters: { nodes: Array<{ id: string, code: string, name: string, dataFields: Array<{ code: string, name: string, category: DataFieldCategory, unit: string | null }>, derivedFields: Array<{ code: string, name: string, category: DataFieldCategory, calculation: string }>, aggregations: { nodes: Array<{ id: string, code: string, name: string, aggregation: AggregationFunction, targetField: string, quantityPerUnit: string, rounding: Rounding }> } }> }, compoundAggregations: { nodes: Array<{ id: string, code: string, name: string, calculation: string }> }, planTemplates: { nodes: Array<{ id: string, code: string, name: string, currency: string, billFrequency: BillFrequency, standingCharge: string, pricings: { nodes: Array<{ id: string, code: string | null, description: string | null, cumulative: boolean, tiersSpanPlan: boolean, startDate: string, pricingBands: Array<{ lowerLimit: string, unitPrice: string, fixedPrice: string }>, aggregation: { code: string, name: string } | null, compoundAggregation: { code: string, name: string } | null }> }, plans: { nodes: Array<{ id: string, code: string, name: string, pricings: { nodes: Array<{ id: string, code: string | null, description: string | null, cumulative: boolean, tiersSpanPlan: boolean, startDate: string, pricingBands: Array<{ lowerLimit: string, unitPrice: string, fixedPrice: string }>, aggregation: { code: string, name: string } | null, compoundAggregation: { code: string, name: string } | null }> } }> } }> } } | null };

export type PricingSummaryFragment = { id: string, code: string | null, description: string | null, cumulative: boolean, tiersSpanPlan: boolean, startDate: string, pricingBands: Array<{ lowerLimit: string, unitPrice: string, fixedPrice: string }>, aggregation: { code: string, name: string } | null, compoundAggregation: { code: string, name: string } | null };

export type ProductsQueryVariables = Exact<{ [key: string]: never; }>;


export type ProductsQuery = { products: { totalCount: number, nodes: Array<{ id: string, code: string, name: string, meters: { totalCount: number }, plans: { totalCount: number } }> } };

export type AccountIdsByCodeQueryVariables = Exact<{
  codes: Array<string> | string;
}>;


export type AccountIdsByCodeQuery = { accounts: { nodes: Array<{ id: string, code: string }> } };

export type CreateBillJobMutationVariables = Exact<{
  input: CreateBillJobInput;
}>;


export type CreateBillJobMutation = { createBillJob: { billJob: { id: string } | null, userErrors: Array<{ field: Array<string>, code: UserErrorCode, message: string }> } };

export type BillJobProgressSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type BillJobProgressSubscription = { billJobProgress: { id: string, status: BillJobStatus, total: number, pending: number, failed: number, failureReason: string | null, failures: Array<{ accountId: string, reason: string }> } | null };

export type JobBillsQueryVariables = Exact<{
  id: string | number;
}>;


export type JobBillsQuery = { billJob: { id: string, bills: { nodes: Array<{ id: string, accountCode: string, billTotal: string, currency: string }> } } | null };

export const PricingSummaryFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PricingSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Pricing"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"cumulative"}},{"kind":"Field","name":{"kind":"Name","value":"tiersSpanPlan"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"pricingBands"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lowerLimit"}},{"kind":"Field","name":{"kind":"Name","value":"unitPrice"}},{"kind":"Field","name":{"kind":"Name","value":"fixedPrice"}}]}},{"kind":"Field","name":{"kind":"Name","value":"aggregation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"compoundAggregation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<PricingSummaryFragment, unknown>;
export const AggregationUsageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AggregationUsage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"aggregationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"m0"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"m1"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"m2"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"m3"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"twoAgo"},"name":{"kind":"Name","value":"usage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"accountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}},{"kind":"Argument","name":{"kind":"Name","value":"aggregationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"aggregationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"m0"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"m1"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"units"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"lastMonth"},"name":{"kind":"Name","value":"usage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"accountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}},{"kind":"Argument","name":{"kind":"Name","value":"aggregationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"aggregationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"m1"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"m2"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"units"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"thisMonth"},"name":{"kind":"Name","value":"usage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"accountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}},{"kind":"Argument","name":{"kind":"Name","value":"aggregationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"aggregationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"m2"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"m3"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"units"}}]}}]}}]} as unknown as DocumentNode<AggregationUsageQuery, AggregationUsageQueryVariables>;
export const PricingPreviewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PricingPreview"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PricingPreviewInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pricingPreview"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"charge"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"units"}},{"kind":"Field","name":{"kind":"Name","value":"subtotal"}},{"kind":"Field","name":{"kind":"Name","value":"averageUnitPrice"}},{"kind":"Field","name":{"kind":"Name","value":"bands"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lowerLimit"}},{"kind":"Field","name":{"kind":"Name","value":"unitPrice"}},{"kind":"Field","name":{"kind":"Name","value":"fixedPrice"}},{"kind":"Field","name":{"kind":"Name","value":"bandUnits"}},{"kind":"Field","name":{"kind":"Name","value":"bandSubtotal"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<PricingPreviewQuery, PricingPreviewQueryVariables>;
export const GenerateBillStatementDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"GenerateBillStatement"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generateBillStatement"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"billId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bill"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"jsonStatementGenerated"}},{"kind":"Field","name":{"kind":"Name","value":"csvStatementGenerated"}},{"kind":"Field","name":{"kind":"Name","value":"statementStale"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<GenerateBillStatementMutation, GenerateBillStatementMutationVariables>;
export const PlanChoicesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PlanChoices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"plans"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"billFrequency"}}]}}]}}]}}]} as unknown as DocumentNode<PlanChoicesQuery, PlanChoicesQueryVariables>;
export const RecentMeasurementsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RecentMeasurements"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"MeasurementFilter"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"measurements"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ts"}},{"kind":"Field","name":{"kind":"Name","value":"data"}}]}}]}}]}}]} as unknown as DocumentNode<RecentMeasurementsQuery, RecentMeasurementsQueryVariables>;
export const IngestBatchDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"IngestBatch"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ingestBatch"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"stored"}},{"kind":"Field","name":{"kind":"Name","value":"duplicates"}},{"kind":"Field","name":{"kind":"Name","value":"rejected"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"failures"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"5"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}}]}}]}}]} as unknown as DocumentNode<IngestBatchQuery, IngestBatchQueryVariables>;
export const AccountPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AccountPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"account"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"emailAddress"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"children"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"accountPlans"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"endDate"}},{"kind":"Field","name":{"kind":"Name","value":"plan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"pricings"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"aggregation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"commitments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"amountSpent"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"endDate"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"bills"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"billDate"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"locked"}},{"kind":"Field","name":{"kind":"Name","value":"billTotal"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}}]}}]}}]} as unknown as DocumentNode<AccountPageQuery, AccountPageQueryVariables>;
export const AttachPlanDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AttachPlan"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateAccountPlanInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createAccountPlan"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accountPlan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<AttachPlanMutation, AttachPlanMutationVariables>;
export const EndAccountPlanDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"EndAccountPlan"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateAccountPlanInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateAccountPlan"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accountPlan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<EndAccountPlanMutation, EndAccountPlanMutationVariables>;
export const ReplaceAccountPlanDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ReplaceAccountPlan"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ReplaceAccountPlanInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"replaceAccountPlan"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ReplaceAccountPlanMutation, ReplaceAccountPlanMutationVariables>;
export const AccountsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Accounts"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accounts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"emailAddress"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]}}]} as unknown as DocumentNode<AccountsQuery, AccountsQueryVariables>;
export const BillJobsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BillJobs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"billJobs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"billingFrequency"}},{"kind":"Field","name":{"kind":"Name","value":"lastDateInBillingPeriod"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"pending"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"failureReason"}},{"kind":"Field","name":{"kind":"Name","value":"failures"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accountId"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}},{"kind":"Field","name":{"kind":"Name","value":"dtCreated"}}]}}]}}]}}]} as unknown as DocumentNode<BillJobsQuery, BillJobsQueryVariables>;
export const BillPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BillPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bill"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"accountId"}},{"kind":"Field","name":{"kind":"Name","value":"accountCode"}},{"kind":"Field","name":{"kind":"Name","value":"billDate"}},{"kind":"Field","name":{"kind":"Name","value":"dueDate"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"endDate"}},{"kind":"Field","name":{"kind":"Name","value":"billingFrequency"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"locked"}},{"kind":"Field","name":{"kind":"Name","value":"billTotal"}},{"kind":"Field","name":{"kind":"Name","value":"billJobId"}},{"kind":"Field","name":{"kind":"Name","value":"lastCalculatedDate"}},{"kind":"Field","name":{"kind":"Name","value":"lastDateInBillingPeriod"}},{"kind":"Field","name":{"kind":"Name","value":"jsonStatementGenerated"}},{"kind":"Field","name":{"kind":"Name","value":"csvStatementGenerated"}},{"kind":"Field","name":{"kind":"Name","value":"statementStale"}},{"kind":"Field","name":{"kind":"Name","value":"lineItems"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"lineItemType"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"units"}},{"kind":"Field","name":{"kind":"Name","value":"unit"}},{"kind":"Field","name":{"kind":"Name","value":"subtotal"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"convertedSubtotal"}},{"kind":"Field","name":{"kind":"Name","value":"averageUnitPrice"}},{"kind":"Field","name":{"kind":"Name","value":"servicePeriodStartDate"}},{"kind":"Field","name":{"kind":"Name","value":"servicePeriodEndDate"}},{"kind":"Field","name":{"kind":"Name","value":"usagePerPricingBand"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lowerLimit"}},{"kind":"Field","name":{"kind":"Name","value":"unitPrice"}},{"kind":"Field","name":{"kind":"Name","value":"fixedPrice"}},{"kind":"Field","name":{"kind":"Name","value":"bandUnits"}},{"kind":"Field","name":{"kind":"Name","value":"bandSubtotal"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<BillPageQuery, BillPageQueryVariables>;
export const ApproveBillDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ApproveBill"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"approveBills"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"billIds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bills"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ApproveBillMutation, ApproveBillMutationVariables>;
export const LockBillDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"LockBill"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"version"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lockBill"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"version"},"value":{"kind":"Variable","name":{"kind":"Name","value":"version"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bill"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"locked"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<LockBillMutation, LockBillMutationVariables>;
export const RecalculateBillDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecalculateBill"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recalculateBills"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"billIds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"billJob"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RecalculateBillMutation, RecalculateBillMutationVariables>;
export const BillsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Bills"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"BillFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bills"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"accountCode"}},{"kind":"Field","name":{"kind":"Name","value":"billDate"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"endDate"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"locked"}},{"kind":"Field","name":{"kind":"Name","value":"billTotal"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"billingFrequency"}}]}}]}}]}}]} as unknown as DocumentNode<BillsQuery, BillsQueryVariables>;
export const MeterPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MeterPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organizationId"}}]}},{"kind":"Field","name":{"kind":"Name","value":"meter"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"productId"}},{"kind":"Field","name":{"kind":"Name","value":"dataFields"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"unit"}}]}},{"kind":"Field","name":{"kind":"Name","value":"derivedFields"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"unit"}},{"kind":"Field","name":{"kind":"Name","value":"calculation"}}]}},{"kind":"Field","name":{"kind":"Name","value":"aggregations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"aggregation"}},{"kind":"Field","name":{"kind":"Name","value":"targetField"}},{"kind":"Field","name":{"kind":"Name","value":"quantityPerUnit"}},{"kind":"Field","name":{"kind":"Name","value":"rounding"}},{"kind":"Field","name":{"kind":"Name","value":"unit"}}]}}]}}]}}]}}]} as unknown as DocumentNode<MeterPageQuery, MeterPageQueryVariables>;
export const CreateAccountDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateAccount"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateAccountInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createAccount"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CreateAccountMutation, CreateAccountMutationVariables>;
export const CreateProductDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateProduct"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateProductInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createProduct"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"product"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CreateProductMutation, CreateProductMutationVariables>;
export const OrganizationPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OrganizationPage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organizationConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"timezone"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"dayEpoch"}},{"kind":"Field","name":{"kind":"Name","value":"weekEpoch"}},{"kind":"Field","name":{"kind":"Name","value":"monthEpoch"}},{"kind":"Field","name":{"kind":"Name","value":"yearEpoch"}},{"kind":"Field","name":{"kind":"Name","value":"daysBeforeBillDue"}},{"kind":"Field","name":{"kind":"Name","value":"currencyConversions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"multiplier"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"currencies"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"maxDecimalPlaces"}},{"kind":"Field","name":{"kind":"Name","value":"roundingMode"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"users"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"permissionPolicies"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"serviceUsers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"permissionPolicies"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"accessKeys"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"accessKeyId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"permissionPolicies"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"managed"}},{"kind":"Field","name":{"kind":"Name","value":"statements"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"effect"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"resource"}}]}}]}}]}}]}}]} as unknown as DocumentNode<OrganizationPageQuery, OrganizationPageQueryVariables>;
export const CreateAccessKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateAccessKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceUserId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createAccessKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"serviceUserId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceUserId"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessKeyId"}}]}},{"kind":"Field","name":{"kind":"Name","value":"apiSecret"}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CreateAccessKeyMutation, CreateAccessKeyMutationVariables>;
export const InviteUserDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"InviteUser"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"InviteUserInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"inviteUser"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"invitationToken"}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<InviteUserMutation, InviteUserMutationVariables>;
export const UpdateUserDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateUser"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateUserInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateUser"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<UpdateUserMutation, UpdateUserMutationVariables>;
export const UpdateAccessKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateAccessKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateAccessKeyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateAccessKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<UpdateAccessKeyMutation, UpdateAccessKeyMutationVariables>;
export const PricingPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PricingPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pricing"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"productId"}},{"kind":"Field","name":{"kind":"Name","value":"cumulative"}},{"kind":"Field","name":{"kind":"Name","value":"tiersSpanPlan"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"endDate"}},{"kind":"Field","name":{"kind":"Name","value":"pricingBands"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lowerLimit"}},{"kind":"Field","name":{"kind":"Name","value":"unitPrice"}},{"kind":"Field","name":{"kind":"Name","value":"fixedPrice"}}]}},{"kind":"Field","name":{"kind":"Name","value":"aggregation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"compoundAggregation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"plan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"planTemplate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]} as unknown as DocumentNode<PricingPageQuery, PricingPageQueryVariables>;
export const UpdatePricingDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdatePricing"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdatePricingInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updatePricing"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pricing"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"cumulative"}},{"kind":"Field","name":{"kind":"Name","value":"tiersSpanPlan"}},{"kind":"Field","name":{"kind":"Name","value":"pricingBands"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lowerLimit"}},{"kind":"Field","name":{"kind":"Name","value":"unitPrice"}},{"kind":"Field","name":{"kind":"Name","value":"fixedPrice"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<UpdatePricingMutation, UpdatePricingMutationVariables>;
export const ProductTreeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ProductTree"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"product"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"meters"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"dataFields"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"unit"}}]}},{"kind":"Field","name":{"kind":"Name","value":"derivedFields"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"calculation"}}]}},{"kind":"Field","name":{"kind":"Name","value":"aggregations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"aggregation"}},{"kind":"Field","name":{"kind":"Name","value":"targetField"}},{"kind":"Field","name":{"kind":"Name","value":"quantityPerUnit"}},{"kind":"Field","name":{"kind":"Name","value":"rounding"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"compoundAggregations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"calculation"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"planTemplates"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"billFrequency"}},{"kind":"Field","name":{"kind":"Name","value":"standingCharge"}},{"kind":"Field","name":{"kind":"Name","value":"pricings"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PricingSummary"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"plans"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"pricings"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PricingSummary"}}]}}]}}]}}]}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PricingSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Pricing"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"cumulative"}},{"kind":"Field","name":{"kind":"Name","value":"tiersSpanPlan"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"pricingBands"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lowerLimit"}},{"kind":"Field","name":{"kind":"Name","value":"unitPrice"}},{"kind":"Field","name":{"kind":"Name","value":"fixedPrice"}}]}},{"kind":"Field","name":{"kind":"Name","value":"aggregation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"compoundAggregation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<ProductTreeQuery, ProductTreeQueryVariables>;
export const ProductsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Products"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"products"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"meters"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"plans"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ProductsQuery, ProductsQueryVariables>;
export const AccountIdsByCodeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AccountIdsByCode"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"codes"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accounts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"codes"},"value":{"kind":"Variable","name":{"kind":"Name","value":"codes"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]} as unknown as DocumentNode<AccountIdsByCodeQuery, AccountIdsByCodeQueryVariables>;
export const CreateBillJobDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateBillJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateBillJobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createBillJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"billJob"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CreateBillJobMutation, CreateBillJobMutationVariables>;
export const BillJobProgressDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"BillJobProgress"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"billJobProgress"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"pending"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"failureReason"}},{"kind":"Field","name":{"kind":"Name","value":"failures"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accountId"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}}]}}]} as unknown as DocumentNode<BillJobProgressSubscription, BillJobProgressSubscriptionVariables>;
export const JobBillsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"JobBills"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"billJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"bills"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"accountCode"}},{"kind":"Field","name":{"kind":"Name","value":"billTotal"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}}]}}]}}]} as unknown as DocumentNode<JobBillsQuery, JobBillsQueryVariables>;