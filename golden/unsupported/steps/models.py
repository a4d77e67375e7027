from datetime import datetime

from pydantic import BaseModel


class Stamped(BaseModel):
    at: datetime  # expect: MG109
