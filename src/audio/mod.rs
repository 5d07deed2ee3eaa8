//! Audio: decoding, the peaks pyramid, the player and its clock.
