//! Rule P-ACT (CONTRACT §1): actions answer `Success|<message>|<id>|` / `Error|<message>|<id>|` in
//! plain, and `{"Response","Message","ID"}` in JSON — the shape DIAL established.

use pbx_compat::command::Format;
use pbx_compat::render::{Rendered, plain};
use serde_json::json;

use super::dispatch::Call;

/// A success result line.
pub fn success(call: &Call<'_>, message: &str, id: &str) -> Rendered {
    result(call, "Success", message, id)
}

/// A failure result line.
pub fn error(call: &Call<'_>, message: &str) -> Rendered {
    result(call, "Error", message, "")
}

fn result(call: &Call<'_>, response: &str, message: &str, id: &str) -> Rendered {
    if call.output.format == Format::Json {
        Rendered::json(&call.output, &json!({"Response": response, "Message": message, "ID": id}))
    } else {
        Rendered::text(&call.output, plain::result_line(&[response, message, id]))
    }
}
