"""Pure domain rules of the platform.

- :mod:`~matchmaker.domain.uscc` — unified social credit code check (GB 32100-2015)
- :mod:`~matchmaker.domain.size` — SME size classes (工信部联企业〔2011〕300号)
- :mod:`~matchmaker.domain.payment` — payment terms owed to SMEs (《保障中小企业款项支付条例》)
- :mod:`~matchmaker.domain.regions` — province-level region names
- :mod:`~matchmaker.domain.qualifications` — comparable qualification keys

Nothing here touches the web framework or the database: functions take plain
values and return small frozen dataclasses. Every error is a :class:`DomainError`.
"""

from . import errors, payment, qualifications, regions, size, uscc
from .errors import DomainError

__all__ = ["DomainError", "errors", "payment", "qualifications", "regions", "size", "uscc"]
