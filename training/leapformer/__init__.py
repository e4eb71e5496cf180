"""LeaPformer Live training package: model, front end, streaming export wrappers."""
