//! Live: following the time server, `clock` and `follow`.
