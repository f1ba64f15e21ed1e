# What every app's services share lives in core; re-exported for this app's modules.
from core.claims import claim, claim_is_free, mark_done, stable_message_id  # noqa: F401
from core.services import model_create, model_update  # noqa: F401
