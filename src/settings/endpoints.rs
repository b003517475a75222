//! The endpoints outside the design a topic may deliver to.

/// The protocol of an email or SMS subscription of a topic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// An email address.
    Email,
    /// A phone number, by SMS.
    Sms,
}
