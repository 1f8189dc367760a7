"""The service's moving parts around the pure domain: planning nudges from signals, delivering
them exactly once, releasing held ones, firing timers, attributing conversions."""
