from motia import StreamConfig

from tickets.models import Ticket

config = StreamConfig(name="tickets", schema=Ticket)
