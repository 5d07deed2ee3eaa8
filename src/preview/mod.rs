//! Effect preview (pure functions of show time) and the drift model.
