"""The access action each write to a project needs, named once: its page and its API operation check the same."""

from investledger.core.access import Action

CREATE = Action.CREATE  # services.project_create
UPDATE = Action.CHANGE  # services.project_update
SET_SIDE_STATE = Action.CHANGE_STAGE  # services.project_set_side_state: stalled, suspended, terminated
ADD_SIGNING = Action.CHANGE  # services.signing_add: a re-signing, an upgrade, a capital increase
DELETE = Action.DELETE  # services.project_delete
