"""The one error the contracts package raises."""


class ContractError(ValueError):
    """A message or event does not follow the contract.

    The message names what is wrong: the missing or bad header, the unknown event type, the
    invalid JSON, or each invalid field with its path. Consumers dead-letter the message with
    ``str(error)`` as the reason.
    """
