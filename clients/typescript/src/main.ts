import { ExpectationFailed, checkCount } from "./check.js";
import { exercise } from "./crud.js";
import * as families from "./families.js";

async function main(): Promise<void> {
    const started = Date.now();
    await exercise(families.extensions);
    await exercise(families.queues);
    await exercise(families.voicemailBoxes);
    await exercise(families.dids);
    await exercise(families.ivrs);
    await exercise(families.conditions);
    await exercise(families.huntlists);
    await exercise(families.flows);
    await exercise(families.conferences);
    await exercise(families.mediaFiles);
    await exercise(families.musicOnHold);
    await exercise(families.phonePhonebooks);
    await exercise(families.phones);
    await exercise(families.userGroups);
    console.log(`typescript client: ${checkCount()} checks passed in ${Date.now() - started} ms`);
}

main().catch((err: unknown) => {
    if (err instanceof ExpectationFailed) {
        console.error(`typescript client: FAILED: ${err.message}`);
    } else {
        console.error("typescript client: error:", err);
    }
    process.exit(1);
});
