from socket import socket

from pydantic import BaseModel


class Stamped(BaseModel):
    at: socket  # expect: MG109
