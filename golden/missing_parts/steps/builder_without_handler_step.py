from motia import StepConfig, queue, step

pending = step(StepConfig(name="Pending", triggers=[queue("a")]))  # expect: MG104  # expect: MG205
