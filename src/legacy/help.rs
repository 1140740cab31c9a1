//! HELP: the syntax listing of what this gateway serves, as the legacy HTML page (`<pre>`, `<i>`).

use pbx_compat::render::Rendered;

use crate::domain::object::Scope;
use crate::service::registry;

/// Actions beyond list/get/add/update/delete, per object (CONTRACT §2.3).
const SPECIAL_ACTIONS: [(&str, &str); 9] = [
    ("user", "listtenants, addtenant (tenantid), deltenant (tenantid)"),
    ("provider", "listroutes"),
    ("routingprofile", "listroutes"),
    ("route", "list accepts routingprofileid=ID"),
    ("ivr", "getdestinations"),
    ("condition", "getdestinations, getextendedinfos, replaceextendedinfos (jsondata)"),
    ("huntlist", "getextensions, setextensions (jsondata)"),
    ("mediafile", "getbinary, updatebinary (multipart file field filename)"),
    (
        "voicemail",
        "listmessages (mailboxuser=MAILBOX [mailbox=FOLDER]), getmessagerecording (id=MSG_ID), putmessagerecording (id=MSG_ID, multipart file field filename)",
    ),
];

/// Reqtypes other than MANAGEDB served by this build, with their parameters.
const REQTYPES: &[&str] = &[
    "INFO info=EXTENSIONS [id=EX_ID] [number=NUMBER] | DIDS | QUEUES | BALANCE [start] [end] | FLOW id=FL_ID | variable id=FL_ID | voicemail id=MSG_ID | voicemailtranscript id=MSG_ID",
    "INFO info=CDRS [start] [end] [id] [uniqueid] [linkedid] [src] [firstdst] [direction] [phone] [template] (format=json|plain|csv|xml; tenant=% with the admin key)",
    "INFO info=SIMPLECDRS [start] [end] [id] [uniqueid] [calleridnum] [calleridname] [disposition] [direction] [whoanswered] [phone] | CALL id=UNIQUEID|ORIGINATEID",
    "CDR action=get|update uniqueid=UNIQUEID field=userfield|accountcode [value]  (update appends)",
    "INFO info=QUEUELOGS [queue=QU_ID|QUEUE_NUMBER] [start] [end] (format=plain|json|csv) | IVRLOGS [start] [end]",
    "RESPONSEPATH id=RH_ID action=getlast [filter=queue|answer|uniqueid filterdata=VALUE] (format=plain|json|xml) | getid rrid=UNIQUEID|RR_ID | list [start] [end] [filter filterdata]",
    "INFO info=RECORDING id=UNIQUEID|ORIGINATEID | PLAYRECORDING id=... | INFORECORDING id=... | RECORDINGS [start] [end] | TRANSCRIPT id=UNIQUEID | FAX id=FAX_ID|UNIQUEID",
    "FAX action=send source_number dest_number|number (multipart file field filename: PDF) [quality=204x98|204x196|204x392] [pagesize=a4|letter|legal] [rotate=E|W|no] [deleteaftersend=on] [schedule=YYYY-MM-DD HH:MM:SS] [statusemail] | action=list [start] [end] | action=download id=FAX_ID",
    "QUEUE action=list|fulllist|add|del|clean|log number=QUEUE_NUMBER|id=QU_ID [extension] [paused] [penalty] [type] [order] [event] [uniqid] [data1..data5]",
    "PHONEBOOKS subreqtype=list",
    "PHONEBOOK phonebook=NAME subreqtype=query (field, value with % wildcard)|add (jsondata or values)|delete (peid)|cleanall|getall|dump",
    "SETTING action=GET|SET name|code=CODE [value]  (CDR templates: name=CDRTEMPLATE:NAME | CDRCSVTEMPLATE)",
    "DND action=get|set number=EXTENSION [value=on]",
    "VIRTUALEXT action=list|add|del|clean number=NUMBER [extension]",
    "FLOWS",
    "SETFLOW number=FLOW_NUMBER [state=INUSE|NOT_INUSE|UNAVAILABLE|RINGING] [value]",
    "BALANCE amount=SIGNED_DECIMAL [description]  (admin key)",
    "LICENSEDAYS  (admin key)",
    "USERGROUP action=list|listtenants|listusers|addtenant|deltenant|adduser|deluser [usergroupid] [tenantid] [userid] [inerith=on]  (admin key)",
    "MEDIAFILE action=getaudio objectid=ME_ID",
    "VOICEMAIL action=list | messages mailbox=MAILBOX [folder=FOLDER] | message|markread|markunread|delete mailbox=MAILBOX msgid=MSG_ID",
    "CAMPAIGN campaign=CA_ID action=start|stop (on-demand campaigns)|pause|resume|listnumbers|cleannumbers | addnumber number=NUMBER [numberdescription] | delnumber number=NUMBER",
    "SMS source|exten=EXTENSION|ACCOUNT dest=EXTENSION|NUMBER message=TEXT [account=USERNAME|SOURCE] [destclid] [server=NODE]",
    "INFO info=SMS [start] [end]",
    "CHECKAUTH username=USER password=PASSWORD  (admin key)",
    "AUTHTOKEN action=generate user=USER [validity=ONCE|YYYY-MM-DD HH:MM:SS] | action=reset user=USER  (admin key)",
    "DIAL source|exten=EXTENSION|ACCOUNT dest|phone=NUMBER [account=EXT-TENANT|SOURCE] [var=NAME=VALUE ...] [dialtimeout=S] [timeout=S] [sourceclid] [destclid] [recording=yes|no|yeschange|nochange] [server=NODE] [autoanswer=yes] [nofollow=yes]",
    "HANGUP channel=CHANNEL | extension=EXT-TENANT | number=EXTENSION | source=EXTENSION",
    "TRANSFER channel=CHANNEL dest=NUMBER [extrachannel=CHANNEL]",
    "ATXTRANSFER channel=CHANNEL dest=NUMBER",
    "CHANNEL channel=CHANNEL|UNIQUEID [cache=no]",
    "CHANNELS [nodename=NODE] [cache=no]  (admin key without tenant: every tenant)",
    "COUNTCHANNELS [nodename=NODE] [cache=no]  (admin key without tenant: every tenant)",
    "COUNTCALLS [cache=no]",
    "GETCURRENTCALLS phone=EXTENSION [multiple=yes]",
    "PEERS [nodename=NODE]  (alias CHANSIPPEERS)",
    "COUNTPEERS [nodename=NODE]",
    "BLFS",
    "INFO info=EXTSTATE ext=EXTENSION | REGSTATE ext=EXTENSION",
    "AGENT action=pause|unpause|listqueues|add|del extension=EXT-TENANT|EXTENSION [queue=QU_ID|ALL] [queuenumber=NUMBER] [pausereason] (add: [penalty] [paused=1])",
    "QUEUERESET queueid=QU_ID",
    "REBOOT peer=NAME-TENANT|ALL  (PJSIP NOTIFY check-sync)",
    "UNREGISTER peer=NAME-TENANT|ALL  (refused for phones: PJSIP has no AMI action that drops a phone's registration)",
];

/// The HELP page. It lists exactly the operations the dispatcher serves.
pub fn page() -> Rendered {
    let mut body = String::from("<html><head><title>proxyapi.php help</title></head><body><pre>\n");
    body.push_str("<i>Common parameters</i>: key (required), tenant, format=plain|json|xml|csv, callback (JSONP, with format=json)\n\n");
    body.push_str("<i>reqtype=MANAGEDB</i> object=OBJECT action=ACTION [objectid=ID] [jsondata=JSON] [filter=EXPR]\n");
    for rules in registry::registry().iter() {
        let def = rules.def();
        let crud = match (def.scope, def.deletable) {
            (Scope::Catalog, _) => "list, get",
            (_, true) => "list, get, add, update, delete",
            (_, false) => "list, get, add, update",
        };
        let special = SPECIAL_ACTIONS.iter().find(|(object, _)| *object == def.name).map(|(_, a)| format!("; {a}"));
        let filter = if def.name == "tenant" { " (list accepts filter=te_column='value' [AND ...])" } else { "" };
        body.push_str(&format!("    object={}: {crud}{}{filter}\n", def.name, special.unwrap_or_default()));
    }
    body.push_str("    object=destination: list|replace typesrc=DID|CONDITION|NOTCONDITION|IVR|IVR_0..IVR_9|... typeidsrc=ID [jsondata]\n");
    for reqtype in REQTYPES {
        let (name, params) = reqtype.split_once(' ').unwrap_or((reqtype, ""));
        body.push_str(&format!("\n<i>reqtype={name}</i> {params}\n"));
    }
    body.push_str("\n<i>reqtype=HELP</i>  this page\n");
    body.push_str("</pre></body></html>\n");
    Rendered::html(body)
}
