//! Tests of this concern; see main.rs.
