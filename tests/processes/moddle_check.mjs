import { readFileSync } from 'node:fs';
import { BpmnModdle } from 'bpmn-moddle';
const moddle = new BpmnModdle();
const out = {};
for (const file of process.argv.slice(2)) {
  try {
    const { rootElement, warnings } = await moddle.fromXML(readFileSync(file, 'utf8'));
    const { xml } = await moddle.toXML(rootElement, { format: true });
    out[file] = { warnings: warnings.map(w => w.message), roundtrip: xml.length > 0 };
  } catch (e) { out[file] = { error: String(e.message || e) }; }
}
console.log(JSON.stringify(out));
