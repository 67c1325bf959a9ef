"""Pure calculations of the ownership app (no Django, no clock): the in-house check of § 108 GWB."""
