import { describe, expect, it } from 'vitest';
import { errorOf, objectMeta, sandbox } from './helpers.js';

const fieldNames = async (t: Awaited<ReturnType<typeof sandbox>>, plural: string): Promise<string[]> =>
  (await objectMeta(t, plural)).fields.map((f: { name: string }) => f.name);

describe('data-model profiles (twenty-api.md §4)', () => {
  it('defaults to v2', async () => {
    expect((await sandbox()).sb.profile).toBe('v2');
  });

  it('v1 person has city and xLink; v2 has neither', async () => {
    const v1 = await sandbox({ profile: 'v1' });
    const v2 = await sandbox({ profile: 'v2' });
    expect(await fieldNames(v1, 'people')).toEqual(expect.arrayContaining(['city', 'xLink', 'name', 'emails', 'phones', 'jobTitle', 'linkedinLink']));
    const v2Fields = await fieldNames(v2, 'people');
    expect(v2Fields).toEqual(expect.arrayContaining(['name', 'emails', 'phones', 'jobTitle', 'linkedinLink']));
    expect(v2Fields).not.toContain('city');
    expect(v2Fields).not.toContain('xLink');
    expect((await v1.call('POST', '/rest/people', { city: 'Paris', xLink: { primaryLinkUrl: 'https://x.com/ada' } })).status).toBe(201);
    expect(errorOf(await v2.call('POST', '/rest/people', { city: 'Paris' })).message).toBe('Object person doesn\'t have any "city" field.');
  });

  it('v1 company has employees, xLink, idealCustomerProfile, annualRecurringRevenue; v2 has annualRevenue', async () => {
    const v1 = await fieldNames(await sandbox({ profile: 'v1' }), 'companies');
    const v2 = await fieldNames(await sandbox({ profile: 'v2' }), 'companies');
    expect(v1).toEqual(expect.arrayContaining(['employees', 'xLink', 'idealCustomerProfile', 'annualRecurringRevenue', 'domainName', 'address']));
    expect(v1).not.toContain('annualRevenue');
    expect(v2).toEqual(expect.arrayContaining(['annualRevenue', 'domainName', 'address', 'linkedinLink']));
    for (const gone of ['employees', 'xLink', 'idealCustomerProfile', 'annualRecurringRevenue']) expect(v2).not.toContain(gone);
  });

  it('v2 opportunity has owner: a nullable MANY_TO_ONE relation to workspaceMember, join column ownerId; v1 has none', async () => {
    const v2 = await sandbox({ profile: 'v2' });
    const owner = (await objectMeta(v2, 'opportunities')).fields.find((f: { name: string }) => f.name === 'owner');
    expect(owner).toMatchObject({
      type: 'RELATION',
      isNullable: true,
      settings: { relationType: 'MANY_TO_ONE', joinColumnName: 'ownerId' },
      relation: { type: 'MANY_TO_ONE', targetObjectMetadata: { nameSingular: 'workspaceMember', namePlural: 'workspaceMembers' }, targetFieldMetadata: { name: 'ownedOpportunities' } },
    });
    const members = await objectMeta(v2, 'workspaceMembers');
    expect(members).toMatchObject({ nameSingular: 'workspaceMember', isCustom: false, isSystem: true });
    expect(members.fields.find((f: { name: string }) => f.name === 'name')).toMatchObject({ type: 'FULL_NAME' });
    const unowned = await v2.call('POST', '/rest/opportunities', { name: 'Deal', ownerId: null });
    expect(unowned.status, JSON.stringify(unowned.body)).toBe(201);
    expect(unowned.body.data.createOpportunity.ownerId).toBeNull();
    expect((await v2.call('POST', '/rest/opportunities', { name: 'Deal 2' })).body.data.createOpportunity.ownerId).toBeNull();
    expect(errorOf(await v2.call('POST', '/rest/opportunities', { ownerId: 'me' })).message).toBe('Invalid UUID value \'me\' for field "ownerId"');
    expect(errorOf(await v2.call('POST', '/rest/opportunities', { ownerId: '00000000-0000-4000-8000-000000000000' })).message).toMatch(/violates foreign key constraint/);

    const v1 = await sandbox({ profile: 'v1' });
    expect(await fieldNames(v1, 'opportunities')).not.toContain('owner');
    expect(errorOf(await v1.call('POST', '/rest/opportunities', { ownerId: null })).message).toBe('Object opportunity doesn\'t have any "ownerId" field.');
    const v1Objects = (await v1.call('GET', '/rest/metadata/objects')).body.data.objects.map((o: { namePlural: string }) => o.namePlural);
    expect(v1Objects).not.toContain('workspaceMembers');
  });

  it('note and task targets: personId/companyId/opportunityId in v1, targetPersonId… in v2', async () => {
    for (const [profile, link] of [['v1', 'personId'], ['v2', 'targetPersonId']] as const) {
      const t = await sandbox({ profile });
      const note = (await t.call('POST', '/rest/notes', { title: 'n', bodyV2: { markdown: 'x' } })).body.data.createNote;
      const task = (await t.call('POST', '/rest/tasks', { title: 't', status: 'IN_PROGRESS' })).body.data.createTask;
      const person = (await t.call('POST', '/rest/people', {})).body.data.createPerson;
      const nt = await t.call('POST', '/rest/batch/noteTargets', [{ noteId: note.id, [link]: person.id }]);
      expect(nt.status, JSON.stringify(nt.body)).toBe(201);
      expect(nt.body.data.createNoteTargets[0][link]).toBe(person.id);
      const tt = await t.call('POST', '/rest/batch/taskTargets', [{ taskId: task.id, [link]: person.id }]);
      expect(tt.status).toBe(201);
      const other = link === 'personId' ? 'targetPersonId' : 'personId';
      expect(errorOf(await t.call('POST', '/rest/batch/noteTargets', [{ noteId: note.id, [other]: person.id }])).code).toBe('INVALID_ARGS_DATA');
      const fields = await fieldNames(t, 'noteTargets');
      expect(fields).toContain(link === 'personId' ? 'person' : 'targetPerson');
    }
  });

  it('bodyV2 is RICH_TEXT_V2 in v1 and RICH_TEXT in v2, same shape', async () => {
    for (const [profile, type] of [['v1', 'RICH_TEXT_V2'], ['v2', 'RICH_TEXT']] as const) {
      const t = await sandbox({ profile });
      const body = (await objectMeta(t, 'notes')).fields.find((f: { name: string }) => f.name === 'bodyV2');
      expect(body.type).toBe(type);
    }
  });

  it('v1 answers 400 for a missing record and a duplicate; v2 maps them to 404 and 409', async () => {
    for (const [profile, missing, duplicate] of [['v1', 400, 400], ['v2', 404, 409]] as const) {
      const t = await sandbox({ profile });
      expect((await t.call('GET', '/rest/people/00000000-0000-4000-8000-000000000000')).status).toBe(missing);
      await t.call('POST', '/rest/people', { emails: { primaryEmail: 'a@example.com' } });
      expect((await t.call('POST', '/rest/people', { emails: { primaryEmail: 'a@example.com' } })).status).toBe(duplicate);
    }
  });

  it('standard objects exist in both: people, companies, opportunities, notes, tasks, noteTargets, taskTargets', async () => {
    for (const profile of ['v1', 'v2'] as const) {
      const t = await sandbox({ profile });
      for (const plural of ['people', 'companies', 'opportunities', 'notes', 'tasks', 'noteTargets', 'taskTargets']) {
        const res = await t.call('GET', `/rest/${plural}`);
        expect(res.status, `${profile} ${plural}`).toBe(200);
        expect(res.body).toEqual({ data: { [plural]: [] }, pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null }, totalCount: 0 });
      }
      const task = (await objectMeta(t, 'tasks')).fields.find((f: { name: string }) => f.name === 'status');
      expect(task.options.map((o: { value: string }) => o.value)).toEqual(['TODO', 'IN_PROGRESS', 'DONE']);
    }
  });
});
