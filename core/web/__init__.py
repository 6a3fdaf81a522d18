"""Request plumbing shared by admin, API and portal: locale, login, gating."""
