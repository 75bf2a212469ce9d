//! Structural validation of objects (filled in with the generate pipeline).
