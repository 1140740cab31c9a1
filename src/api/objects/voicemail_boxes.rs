//! `/v1/tenants/{code}/voicemail-boxes`: voicemail boxes of a tenant (MANAGEDB `voicemail`), in
//! Asterisk's realtime layout. The PIN and the IMAP password are write-only; the IMAP user is not
//! shown either (CONTRACT §2.2 treats it as sensitive). Yes/no options read `null` when unset (the
//! PBX default applies).

use crate::api::resource::rest_resource;
use crate::service::voicemail::VoicemailRules;

rest_resource! {
    api: VoicemailBoxesApi,
    rules: VoicemailRules,
    tag: { name: "VoicemailBoxes", description: "Voicemail boxes of a tenant." },
    scope: tenant,
    path: "/v1/tenants/:code/voicemail-boxes",
    item_path: "/v1/tenants/:code/voicemail-boxes/:id",
    operations: {
        list: "list_voicemail_boxes",
        create: "create_voicemail_box",
        get: "get_voicemail_box",
        update: "update_voicemail_box",
        delete: "delete_voicemail_box",
    },
    filters: {
        /// Only the box with this mailbox number.
        mailbox: String = "mailbox",
        /// Only boxes with this e-mail address.
        email: String = "email",
    },
    /// A voicemail box. Its PIN and IMAP credentials are never returned.
    read VoicemailBox {
        /// Voicemail context: the tenant code.
        context: String = "context",
        /// Mailbox number (digits), unique within the tenant.
        mailbox: String = "mailbox",
        /// Owner's name.
        full_name: String = "fullname",
        /// Address new messages are announced to.
        email: String = "email",
        /// Pager address.
        pager: String = "pager",
        /// Attach the recording to the e-mail.
        attach: Option<bool> = "attach",
        /// Format of the attachment (e.g. `wav49`).
        attach_format: String = "attachfmt",
        /// Sender address of the e-mails.
        server_email: String = "serveremail",
        /// Prompt language.
        language: String = "language",
        /// Time zone of the envelope (a `zonemessages` name).
        time_zone: String = "tz",
        /// Delete messages once mailed.
        delete_voicemail: Option<bool> = "deletevoicemail",
        /// Announce the caller id.
        say_caller_id: Option<bool> = "saycid",
        /// Allow forwarding messages to other boxes.
        send_voicemail: Option<bool> = "sendvoicemail",
        /// Let callers review their message.
        review: Option<bool> = "review",
        /// Warn when a temporary greeting is active.
        temp_greeting_warning: Option<bool> = "tempgreetwarn",
        /// Let callers reach the operator.
        operator: Option<bool> = "operator",
        /// Play the envelope before a message.
        envelope: Option<bool> = "envelope",
        /// Announce the message duration.
        say_duration: Option<bool> = "sayduration",
        /// Shortest duration announced, in minutes.
        say_duration_minimum: Option<i64> = "saydurationm",
        /// Force recording the name.
        force_name: Option<bool> = "forcename",
        /// Force recording the greetings.
        force_greetings: Option<bool> = "forcegreetings",
        /// Context for calling back.
        callback: String = "callback",
        /// Context for dialing out.
        dial_out: String = "dialout",
        /// Context when the caller exits.
        exit_context: String = "exitcontext",
        /// Most messages per folder.
        max_messages: Option<i64> = "maxmsg",
        /// Volume gain in dB.
        volume_gain: String = "volgain",
        /// IMAP server.
        imap_server: String = "imapserver",
        /// IMAP port.
        imap_port: Option<i64> = "imapport",
        /// IMAP flags.
        imap_flags: String = "imapflags",
        /// Last change.
        updated_at: Option<chrono::DateTime<chrono::Utc>> = "stamp",
    }
    /// A box to create (`mailbox` required) or change (only the members sent change).
    write VoicemailBoxCreate / VoicemailBoxPatch {
        /// Mailbox number (digits), unique within the tenant; never empty.
        mailbox: String = "mailbox",
        /// PIN (digits; write-only).
        #[oai(write_only)]
        password: String = "password",
        /// Owner's name.
        full_name: String = "fullname",
        /// Address new messages are announced to.
        email: String = "email",
        /// Pager address.
        pager: String = "pager",
        /// Attach the recording to the e-mail.
        attach: bool = "attach",
        /// Format of the attachment.
        attach_format: String = "attachfmt",
        /// Sender address of the e-mails.
        server_email: String = "serveremail",
        /// Prompt language.
        language: String = "language",
        /// Time zone of the envelope.
        time_zone: String = "tz",
        /// Delete messages once mailed.
        delete_voicemail: bool = "deletevoicemail",
        /// Announce the caller id.
        say_caller_id: bool = "saycid",
        /// Allow forwarding messages to other boxes.
        send_voicemail: bool = "sendvoicemail",
        /// Let callers review their message.
        review: bool = "review",
        /// Warn when a temporary greeting is active.
        temp_greeting_warning: bool = "tempgreetwarn",
        /// Let callers reach the operator.
        operator: bool = "operator",
        /// Play the envelope before a message.
        envelope: bool = "envelope",
        /// Announce the message duration.
        say_duration: bool = "sayduration",
        /// Shortest duration announced, in minutes.
        say_duration_minimum: i64 = "saydurationm",
        /// Force recording the name.
        force_name: bool = "forcename",
        /// Force recording the greetings.
        force_greetings: bool = "forcegreetings",
        /// Context for calling back.
        callback: String = "callback",
        /// Context for dialing out.
        dial_out: String = "dialout",
        /// Context when the caller exits.
        exit_context: String = "exitcontext",
        /// Most messages per folder.
        max_messages: i64 = "maxmsg",
        /// Volume gain in dB.
        volume_gain: String = "volgain",
        /// IMAP user (write-only).
        #[oai(write_only)]
        imap_user: String = "imapuser",
        /// IMAP password (write-only).
        #[oai(write_only)]
        imap_password: String = "imappassword",
        /// IMAP server.
        imap_server: String = "imapserver",
        /// IMAP port.
        imap_port: i64 = "imapport",
        /// IMAP flags.
        imap_flags: String = "imapflags",
    }
    /// A page of voicemail boxes.
    page VoicemailBoxPage
}
