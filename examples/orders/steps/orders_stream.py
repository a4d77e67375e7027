"""Live order statuses, grouped by customer: a shop front end shows them without polling."""

from motia import StreamConfig

from steps.models import OrderStatus

config = StreamConfig(name="orders", description="Order statuses by customer", schema=OrderStatus)
