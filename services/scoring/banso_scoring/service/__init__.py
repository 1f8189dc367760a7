"""When records arrive: apply, evaluate, write, emit (the orchestration behind consumers/)."""
