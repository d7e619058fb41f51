pytest_plugins = ["factories.pytest_plugin"]
