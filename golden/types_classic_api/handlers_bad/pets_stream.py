from steps.models import Pet

config = {"name": "pets", "schema": Pet.model_json_schema(), "baseConfig": {"storageType": "default"}}
