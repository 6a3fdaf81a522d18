pytest_plugins = ["core.testing", "core.testing_browser"]
