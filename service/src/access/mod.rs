//! Who may do what, and who did what: API tokens with their roles, and the audit log every
//! write ends with.

pub mod audit;
pub mod tokens;

pub use tokens::{Principal, Role, Token, authenticate, create_token, list_tokens, revoke_token};
