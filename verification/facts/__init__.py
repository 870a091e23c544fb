"""Published facts: publish and retract, claim matching, JSON-LD documents, export, and the
public facts API."""
