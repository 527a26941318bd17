//! net (todo)
