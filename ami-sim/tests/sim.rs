//! Tests of the stateful simulator against the captured wire format.

mod common;

use ami_sim::{Sim, SimConfig};
use common::{Client, pairs};

async fn sim() -> Sim {
    Sim::start(SimConfig::default()).await.expect("start sim")
}

#[tokio::test]
async fn login_plaintext_ok_exact_bytes() {
    let sim = sim().await;
    let mut c = Client::connect(sim.addr()).await;
    c.send("Action: Login\r\nActionID: t-001\r\nUsername: gateway\r\nSecret: gatewaysecret\r\n\r\n").await;
    let r = c.next().await.expect("response");
    assert_eq!(pairs(&r), vec![("Response", "Success"), ("ActionID", "t-001"), ("Message", "Authentication accepted")]);
    let e = c.next().await.expect("event");
    assert_eq!(e.get("Event"), Some("FullyBooted"));
    assert_eq!(e.get("Privilege"), Some("system,all"));
    assert_eq!(e.get("Status"), Some("Fully Booted"));
    c.send("Action: Logoff\r\nActionID: t-002\r\n\r\n").await;
    let g = c.next().await.expect("goodbye");
    assert_eq!(g.raw, b"Response: Goodbye\r\nActionID: t-002\r\nMessage: Thanks for all the fish.\r\n\r\n");
    assert!(c.next().await.is_none(), "server closes after Logoff");
}
