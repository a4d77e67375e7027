config = {
    "type": "noop",
    "name": "ManualApproval",
    "virtualEmits": ["order.approved"],
    "virtualSubscribes": ["order.audited"],
}
