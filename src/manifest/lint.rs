//! House-convention lint and deny rules (filled in with the generate pipeline).
