"""Korean question answering over public officials' overseas business-trip reports.

Pipeline, one module per stage: load -> clean -> chunk -> index (dense + keyword)
-> retrieve -> answer (with citations). `QA` ties them together.
"""

from .answer import Answer, Citation, NearestDocument
from .api import QA
from .index import BuildReport, IndexUnavailable
from .settings import Settings

__all__ = ["QA", "Answer", "Citation", "NearestDocument", "BuildReport", "IndexUnavailable", "Settings"]
