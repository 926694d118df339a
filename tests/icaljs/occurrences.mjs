// Reads an iCalendar file on stdin the way Thunderbird does (Mozilla's ical.js) and prints
// every occurrence starting in [FROM, UNTIL) (ISO times, argv[2] and argv[3]) as JSON lines:
// {"uid", "start", "end", "summary", "status", "floating"} with UTC ISO times.
// Only the calendar's own VTIMEZONE blocks are registered: a TZID without one is read as
// floating time, as Thunderbird reads it (that is the defect the tests guard against).
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const from = ICAL.Time.fromJSDate(new Date(process.argv[2]), true);
const until = ICAL.Time.fromJSDate(new Date(process.argv[3]), true);

const calendar = new ICAL.Component(ICAL.parse(Buffer.concat(chunks).toString("utf8")));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(zone));
}

// Overrides (RECURRENCE-ID) are attached to their master, as a calendar client does.
const masters = new Map();
const overrides = [];
for (const component of calendar.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(component);
  if (event.isRecurrenceException()) overrides.push(event);
  else masters.set(event.uid, event);
}
for (const override of overrides) {
  const master = masters.get(override.uid);
  if (master) master.relateException(override);
  else masters.set(`${override.uid}#orphan`, override);
}

const iso = (time) => time.toJSDate().toISOString();
const print = (event, start, end, item) => {
  if (start.compare(from) < 0 || start.compare(until) >= 0) return;
  const status = item.component.getFirstPropertyValue("status") || "";
  const floating = start.zone === ICAL.Timezone.localTimezone || !start.zone;
  console.log(JSON.stringify({
    uid: event.uid, start: iso(start), end: iso(end), summary: item.summary, status, floating,
  }));
};

for (const event of masters.values()) {
  if (!event.isRecurring()) {
    print(event, event.startDate, event.endDate, event);
    continue;
  }
  const iterator = event.iterator();
  for (let next = iterator.next(), guard = 0; next && guard < 5000; next = iterator.next(), guard++) {
    if (next.compare(until) >= 0) break;
    const details = event.getOccurrenceDetails(next);
    print(event, details.startDate, details.endDate, details.item);
  }
}
