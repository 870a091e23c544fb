"""The demo desk: a loader that marks claims in a real article and a follow-up, and its data/."""
