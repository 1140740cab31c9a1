//! HELP: the syntax listing of what this gateway serves, as the legacy HTML page (`<pre>`, `<i>`).

use pbx_compat::render::Rendered;

use crate::service::objects;

/// The HELP page. It lists exactly the operations the dispatcher serves.
pub fn page() -> Rendered {
    let mut body = String::from("<html><head><title>proxyapi.php help</title></head><body><pre>\n");
    body.push_str("<i>Common parameters</i>: key (required), tenant, format=plain|json|xml|csv, callback (JSONP, with format=json)\n\n");
    body.push_str("<i>reqtype=MANAGEDB</i> object=OBJECT action=ACTION [objectid=ID] [jsondata=JSON] [filter=EXPR]\n");
    for rules in objects::registry().iter() {
        let def = rules.def();
        let extra = if def.name == "user" { ", listtenants, addtenant (tenantid), deltenant (tenantid)" } else { "" };
        let filter = if def.name == "tenant" { " (list accepts filter=te_column='value' [AND ...])" } else { "" };
        body.push_str(&format!("    object={}: list, get, add, update, delete{extra}{filter}\n", def.name));
    }
    body.push_str("\n<i>reqtype=INFO</i> info=EXTENSIONS [id=EX_ID] [number=NUMBER]  (format plain or json)\n");
    body.push_str("\n<i>reqtype=CHECKAUTH</i> username=USER password=PASSWORD  (admin key)\n");
    body.push_str("\n<i>reqtype=AUTHTOKEN</i> action=generate user=USER [validity=ONCE|YYYY-MM-DD HH:MM:SS]; action=reset user=USER  (admin key)\n");
    body.push_str("\n<i>reqtype=HELP</i>  this page\n");
    body.push_str("</pre></body></html>\n");
    Rendered::html(body)
}
