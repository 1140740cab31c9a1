// Runs every check in order; the first failed expectation ends the run with exit status 1.
import { ExpectationFailed, checkCount } from "./check.js";
import { exercise } from "./crud.js";
import * as extras from "./extras.js";
import * as families from "./families.js";
import { health } from "./health.js";
import { sms, voicemailMessages } from "./messages.js";
import { apiKeys, deleteUsers, groupMembers, users } from "./people.js";
import { phonebooks } from "./phonebooks.js";
import { seeded } from "./seeded.js";
import { tenants } from "./tenants.js";

async function main(): Promise<void> {
    const started = Date.now();
    await health();
    await tenants();
    const people = await users();
    await exercise({ ...families.userGroups, alive: groupMembers(people) });
    await deleteUsers(people);
    await apiKeys();

    const seed = await seeded();
    await exercise({ ...families.extensions, alive: extras.dnd });
    await sms(seed.ext101.number, seed.ext102.number);
    await exercise({ ...families.queues, alive: extras.queueMembers(seed) });
    await exercise(families.voicemailBoxes);
    await voicemailMessages();
    await exercise({ ...families.dids, alive: extras.didDestinations(seed) });
    await exercise({ ...families.ivrs, alive: extras.ivrLists(seed) });
    await exercise({ ...families.conditions, alive: extras.conditionLists(seed) });
    await exercise({ ...families.huntlists, alive: extras.huntlistMembers(seed) });
    await exercise({ ...families.flows, alive: extras.flowState });
    await exercise(families.conferences);
    await exercise({ ...families.mediaFiles, alive: extras.mediaAudio });
    await exercise(families.musicOnHold);
    await phonebooks();
    await exercise(families.phonePhonebooks);
    await exercise(families.phones);
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
