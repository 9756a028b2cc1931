"""The access action each write needs, named once: its page and its API operation check the same."""

from investledger.core.access import Action

CREATE = Action.CREATE  # services.list_create, services.opportunity_create (on a list the user may change)
UPDATE = Action.CHANGE  # services.list_update, services.opportunity_update
SET_STATUS = Action.CHANGE  # services.opportunity_set_status: in talks, signed (with its project), withdrawn
HANDLE_INTEREST = Action.RESPOND  # services.interest_handle: an inbox item answered
