"""Emergency diagnosis: readings out of window → the master's rules that fire → ordered actions."""
