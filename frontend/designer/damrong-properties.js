// The properties panel's "Damrong" group: the settings Damrong reads from a diagram, kept as
// `spiffworkflow:properties/spiffworkflow:property` entries (engine/workflow/tasktable.py):
//   lane: role · user task: form, status, sla_policy, name_en · end event: status, resolution
// plus a business rule task's DMN decision (spiffworkflow:calledDecisionId) and a call activity's
// called process (bpmn:calledElement). Pick lists come from the page's reference lists
// (`designerReference`); without them a field is free text (status keeps its fixed vocabulary).
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';
import {
  SelectEntry,
  TextFieldEntry,
  isSelectEntryEdited,
  isTextFieldEntryEdited,
} from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import { useService } from 'bpmn-js-properties-panel';

const PROPERTIES = 'spiffworkflow:properties';
const PROPERTY = 'spiffworkflow:property';
const DECISION = 'spiffworkflow:calledDecisionId';

// The case status vocabulary (engine/statuses.py), used when the page gives no reference list.
export const STATUSES = [
  ['received', 'รับเรื่องแล้ว', 'Received'],
  ['screening', 'กำลังพิจารณาเรื่อง', 'Screening'],
  ['awaiting_information', 'รอข้อมูลเพิ่มเติมจากผู้ร้อง', 'Awaiting information'],
  ['referred', 'ส่งต่อหน่วยงานแล้ว', 'Referred'],
  ['in_progress', 'หน่วยงานกำลังดำเนินการ', 'In progress'],
  ['under_review', 'ศูนย์กำลังตรวจสอบผล', 'Under review'],
  ['resolved', 'แก้ไขแล้ว (เปิดเรื่องใหม่ได้)', 'Resolved'],
  ['closed', 'ยุติเรื่อง', 'Closed'],
  ['rejected', 'ไม่รับเรื่อง', 'Rejected'],
  ['withdrawn', 'ผู้ร้องถอนเรื่อง', 'Withdrawn'],
].map(([code, name_th, name_en]) => ({ code, name_th, name_en }));

// Which fields an element gets: [property name, label, reference list, description].
const FIELDS = [
  [(e) => is(e, 'bpmn:Lane'), [['role', 'Role', 'roles', 'Empty: the role is found by the lane\'s name.']]],
  [
    (e) => is(e, 'bpmn:UserTask'),
    [
      ['form', 'Form', 'forms', 'Empty: the generic form (outcome and note).'],
      ['status', 'Status', 'statuses', 'Empty: the role\'s default status.'],
      ['sla_policy', 'SLA policy', 'sla_policies', 'Empty: the process\'s default policy.'],
      ['name_en', 'English name', null, null],
    ],
  ],
  [
    (e) => is(e, 'bpmn:EndEvent'),
    [
      ['status', 'Status', 'statuses', 'The case\'s status when it ends here.'],
      ['resolution', 'Resolution', 'resolutions', null],
    ],
  ],
];

/** The `spiffworkflow:properties` container in an element's extension elements, if any. */
function container(element) {
  const extensions = getBusinessObject(element).get('extensionElements');
  return extensions ? extensions.get('values').find((value) => is(value, PROPERTIES)) : undefined;
}

/** The value of a Damrong property on an element ('' when unset). */
export function getProperty(element, name) {
  const found = container(element);
  const property = found && found.get('properties').find((p) => p.get('name') === name);
  return (property && property.get('value')) || '';
}

/** One undoable command that sets (or, with '', removes) a Damrong property. */
export function setProperty(element, name, value, { bpmnFactory, commandStack }) {
  const bo = getBusinessObject(element);
  const commands = [];
  const update = (moddleElement, properties) =>
    commands.push({
      cmd: 'element.updateModdleProperties',
      context: { element, moddleElement, properties },
    });
  let extensions = bo.get('extensionElements');
  let props = container(element);
  const current = props && props.get('properties').find((p) => p.get('name') === name);
  value = (value || '').trim();

  if (!value) {
    if (!current) return;
    const rest = props.get('properties').filter((p) => p !== current);
    if (rest.length) {
      update(props, { properties: rest });
    } else {
      const others = extensions.get('values').filter((v) => v !== props);
      update(extensions, { values: others });
      if (!others.length) update(bo, { extensionElements: undefined });
    }
  } else if (current) {
    update(current, { value });
  } else {
    if (!extensions) {
      extensions = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
      extensions.$parent = bo;
      update(bo, { extensionElements: extensions });
    }
    const property = bpmnFactory.create(PROPERTY, { name, value });
    if (props) {
      property.$parent = props;
      update(props, { properties: [...props.get('properties'), property] });
    } else {
      props = bpmnFactory.create(PROPERTIES, { properties: [property] });
      property.$parent = props;
      props.$parent = extensions;
      update(extensions, { values: [...extensions.get('values'), props] });
    }
  }
  commandStack.execute('properties-panel.multi-command-executor', commands);
}

function label(item, lang) {
  if (typeof item === 'string') return item;
  const name = (lang === 'th' ? item.name_th : item.name_en) || item.name_th || item.name_en || item.name;
  return name && name !== item.code ? `${name} (${item.code})` : item.code;
}

function code(item) {
  return typeof item === 'string' ? item : item.code;
}

function PropertyEntry(props) {
  const { element, id, name, label: text, list, description } = props;
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  const bpmnFactory = useService('bpmnFactory');
  const commandStack = useService('commandStack');
  const reference = useService('designerReference');
  const services = { bpmnFactory, commandStack };
  const getValue = () => getProperty(element, name);
  const setValue = (value) => setProperty(element, name, value, services);
  const items = list ? reference.list(list) : null;
  const common = {
    element,
    id,
    label: translate(text),
    description: description ? translate(description) : undefined,
    getValue,
    setValue,
  };
  if (!items) return h(TextFieldEntry, { ...common, debounce });
  const getOptions = () => {
    const options = [{ value: '', label: translate('(not set)') }];
    const value = getValue();
    for (const item of items) options.push({ value: code(item), label: label(item, reference.lang) });
    if (value && !items.some((item) => code(item) === value)) {
      options.push({ value, label: translate('{value} (not in the list)', { value }) });
    }
    return options;
  };
  return h(SelectEntry, { ...common, getOptions });
}

function DecisionEntry({ element, id }) {
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  const bpmnFactory = useService('bpmnFactory');
  const commandStack = useService('commandStack');
  const bo = getBusinessObject(element);
  const find = () => {
    const extensions = bo.get('extensionElements');
    return extensions && extensions.get('values').find((v) => is(v, DECISION));
  };
  const getValue = () => (find() && find().get('value')) || '';
  const setValue = (value) => {
    value = (value || '').trim();
    const found = find();
    const commands = [];
    const update = (moddleElement, properties) =>
      commands.push({ cmd: 'element.updateModdleProperties', context: { element, moddleElement, properties } });
    let extensions = bo.get('extensionElements');
    if (found && value) update(found, { value });
    else if (found) update(extensions, { values: extensions.get('values').filter((v) => v !== found) });
    else if (value) {
      if (!extensions) {
        extensions = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
        extensions.$parent = bo;
        update(bo, { extensionElements: extensions });
      }
      const decision = bpmnFactory.create(DECISION, { value });
      decision.$parent = extensions;
      update(extensions, { values: [...extensions.get('values'), decision] });
    }
    if (commands.length) commandStack.execute('properties-panel.multi-command-executor', commands);
  };
  return h(TextFieldEntry, { element, id, label: translate('Decision table'), getValue, setValue, debounce });
}

function CalledProcessEntry({ element, id }) {
  const translate = useService('translate');
  const modeling = useService('modeling');
  const reference = useService('designerReference');
  const debounce = useService('debounceInput');
  const getValue = () => getBusinessObject(element).get('calledElement') || '';
  const setValue = (value) => modeling.updateProperties(element, { calledElement: (value || '').trim() || undefined });
  const items = reference.list('processes');
  const common = { element, id, label: translate('Called process'), getValue, setValue };
  if (!items) return h(TextFieldEntry, { ...common, debounce });
  const getOptions = () => {
    const options = [{ value: '', label: translate('(not set)') }];
    for (const item of items) options.push({ value: code(item), label: label(item, reference.lang) });
    const value = getValue();
    if (value && !items.some((item) => code(item) === value)) {
      options.push({ value, label: translate('{value} (not in the list)', { value }) });
    }
    return options;
  };
  return h(SelectEntry, { ...common, getOptions });
}

/** The Damrong group's entries for one element (none for elements Damrong reads nothing from). */
export function damrongEntries(element) {
  const entries = [];
  for (const [applies, fields] of FIELDS) {
    if (!applies(element)) continue;
    for (const [name, text, list, description] of fields) {
      entries.push({
        id: `damrong-${name}`,
        component: PropertyEntry,
        isEdited: list ? isSelectEntryEdited : isTextFieldEntryEdited,
        element,
        name,
        label: text,
        list,
        description,
      });
    }
  }
  if (is(element, 'bpmn:BusinessRuleTask')) {
    entries.push({ id: 'damrong-decision', component: DecisionEntry, isEdited: isTextFieldEntryEdited });
  }
  if (is(element, 'bpmn:CallActivity')) {
    entries.push({ id: 'damrong-called-process', component: CalledProcessEntry, isEdited: isSelectEntryEdited });
  }
  return entries;
}

/** The properties provider that adds the "Damrong" group after "General". */
export function DamrongPropertiesProvider(propertiesPanel, translate) {
  this.getGroups = (element) => (groups) => {
    const entries = damrongEntries(element);
    if (!entries.length) return groups;
    const group = { id: 'damrong', label: translate('Damrong'), entries };
    const general = groups.findIndex((g) => g.id === 'general');
    groups.splice(general < 0 ? 0 : general + 1, 0, group);
    return groups;
  };
  propertiesPanel.registerProvider(400, this);
}

DamrongPropertiesProvider.$inject = ['propertiesPanel', 'translate'];

/** The page's reference lists (roles, forms, policies, statuses, processes) for the pick lists. */
export function DesignerReference(config) {
  const lists = (config && config.lists) || null;
  this.lang = (config && config.lang) || 'th';
  this.list = (name) => {
    if (name === 'statuses') return (lists && lists.statuses && lists.statuses.length ? lists.statuses : STATUSES);
    return lists && Array.isArray(lists[name]) && lists[name].length ? lists[name] : null;
  };
}

DesignerReference.$inject = ['config.designerReference'];

export default {
  __init__: ['damrongPropertiesProvider'],
  damrongPropertiesProvider: ['type', DamrongPropertiesProvider],
  designerReference: ['type', DesignerReference],
};
