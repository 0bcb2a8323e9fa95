"""Pure rules of the pricing catalog (SEMANTICS §3–4): input checks that turn client input
into model values, with every problem reported at its path.

Checks take plain data (camelCase keys as clients send them) and what they need already
loaded (references as the small value types of `refs`). They assign new entities' ids
themselves, so a nested input can link parents and children before anything is written.
"""
