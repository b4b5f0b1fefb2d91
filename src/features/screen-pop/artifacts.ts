/**
 * What users import into Genesys Cloud: the Web Services Data Action definitions of both lookups
 * (contract, request and response templates, success template) and an example inbound call flow
 * (Archy YAML) that sets the screen-pop participant attributes, with the seed's not-found and
 * timeout branches. `patchbay export genesys-data-actions` writes them.
 */
import { accountLookupInputSchema, contactLookupInputSchema, lookupOutputSchema } from './contract.ts';

export interface ArtifactOptions {
  /** Where Genesys reaches the hub (PATCHBAY_PUBLIC_URL). */
  publicUrl: string;
  /** Header of the User Defined credential (SCREEN_POP_AUTH_HEADER). */
  authHeader: string;
  /** Data action timeout in Genesys, seconds (the seed's 3 s). */
  timeoutSeconds?: number;
}

/** Flat output for Architect: arrays of matches become parallel string lists. */
const outputSchema = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  type: 'object',
  properties: {
    success: { type: 'boolean' },
    contactId: { type: 'string' },
    firstName: { type: 'string' },
    lastName: { type: 'string' },
    email: { type: 'string' },
    accountId: { type: 'string' },
    accountName: { type: 'string' },
    tier: { type: 'string' },
    matchCount: { type: 'integer' },
    reason: { type: 'string' },
    'matches.id': { type: 'array', items: { type: 'string' } },
    'matches.name': { type: 'array', items: { type: 'string' } },
  },
  additionalProperties: true,
};

const translationMap = {
  success: '$.success',
  contactId: '$.contactId',
  firstName: '$.firstName',
  lastName: '$.lastName',
  email: '$.email',
  accountId: '$.accountId',
  accountName: '$.accountName',
  tier: '$.tier',
  matchCount: '$.matchCount',
  reason: '$.reason',
  matchIds: '$.matches[*].id',
  matchNames: '$.matches[*].name',
};

const translationMapDefaults = {
  contactId: '""',
  firstName: '""',
  lastName: '""',
  email: '""',
  accountId: '""',
  accountName: '""',
  tier: '""',
  matchCount: '0',
  reason: '""',
  matchIds: '[]',
  matchNames: '[]',
};

const successTemplate =
  '{ "success": ${success}, "contactId": ${contactId}, "firstName": ${firstName}, "lastName": ${lastName}, ' +
  '"email": ${email}, "accountId": ${accountId}, "accountName": ${accountName}, "tier": ${tier}, ' +
  '"matchCount": ${matchCount}, "reason": ${reason}, "matches.id": ${matchIds}, "matches.name": ${matchNames} }';

function dataAction(
  o: ArtifactOptions,
  name: string,
  path: string,
  input: object,
  requestTemplate: string,
): Record<string, unknown> {
  return {
    name,
    category: 'Patchbay',
    integrationId: '<the id of your "Web Services Data Actions" integration>',
    secure: false,
    config: {
      request: {
        requestUrlTemplate: `${o.publicUrl.replace(/\/+$/, '')}${path}`,
        requestType: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          // User Defined credential field "token" of the integration; or use Basic credentials instead.
          [o.authHeader]: '${credentials.token}',
        },
        requestTemplate,
      },
      response: { translationMap, translationMapDefaults, successTemplate },
      timeoutSeconds: o.timeoutSeconds ?? 3,
    },
    contract: {
      input: {
        inputSchema: {
          $schema: 'http://json-schema.org/draft-04/schema#',
          ...input,
          additionalProperties: true,
        },
      },
      output: { successSchema: outputSchema },
    },
  };
}

export function dataActionDefinitions(o: ArtifactOptions): Record<string, Record<string, unknown>> {
  return {
    'contact-lookup.data-action.json': dataAction(
      o,
      'Patchbay - Contact lookup by phone',
      '/v1/data-actions/contact-lookup',
      contactLookupInputSchema,
      '{ "phoneNumber": "$esc.jsonString(${input.phoneNumber})" }',
    ),
    'account-lookup.data-action.json': dataAction(
      o,
      'Patchbay - Account lookup by account number',
      '/v1/data-actions/account-lookup',
      accountLookupInputSchema,
      '{ "accountNumber": "$esc.jsonString(${input.accountNumber})" }',
    ),
  };
}

/** The hub's own response schema, for reference next to the Genesys definitions. */
export const hubResponseSchema = lookupOutputSchema;

/** An example inbound call flow for Archy (`archy publish --file …`); adapt queue and prompts. */
export function inboundFlowYaml(o: { timeoutSeconds?: number; queueName?: string } = {}): string {
  const timeout = o.timeoutSeconds ?? 3;
  const queue = o.queueName ?? 'Support';
  const setAttributes = `
                          - setParticipantData:
                              name: Set screen pop attributes
                              attributes:
                                - attribute:
                                    name:
                                      lit: contact_id
                                    value:
                                      exp: Task.contactId
                                - attribute:
                                    name:
                                      lit: contact_name
                                    value:
                                      exp: Trim(Task.firstName + " " + Task.lastName)
                                - attribute:
                                    name:
                                      lit: account_id
                                    value:
                                      exp: Task.accountId
                                - attribute:
                                    name:
                                      lit: account_name
                                    value:
                                      exp: Task.accountName
                                - attribute:
                                    name:
                                      lit: customer_tier
                                    value:
                                      exp: Task.tier`;
  return `# Patchbay screen pop — example inbound call flow for Archy (Genesys Cloud Architect as YAML).
# Imports the two data actions written next to this file ("Patchbay" category), looks the caller up
# by ANI, sets the participant attributes the agent desktop reads, and follows the seed's branches:
# found → attributes → queue; not found → ask for the account number → account lookup → queue;
# failure or timeout (${timeout} s) → queue without attributes (the agent searches by hand).
inboundCall:
  name: Patchbay Screen Pop
  division: Home
  startUpRef: "/inboundCall/tasks/task[Lookup_10]"
  defaultLanguage: en-us
  supportedLanguages:
    en-us:
      defaultLanguageSkill:
        noValue: true
      textToSpeech:
        defaultEngine:
          voice: Jill
  initialGreeting:
    tts: Thank you for calling.
  variables:
    - stringVariable:
        name: Task.contactId
    - stringVariable:
        name: Task.firstName
    - stringVariable:
        name: Task.lastName
    - stringVariable:
        name: Task.accountId
    - stringVariable:
        name: Task.accountName
    - stringVariable:
        name: Task.tier
    - booleanVariable:
        name: Task.success
    - integerVariable:
        name: Task.matchCount
    - stringVariable:
        name: Task.accountNumber
  tasks:
    - task:
        name: Lookup
        refId: Lookup_10
        actions:
          - callData:
              name: Contact lookup by phone
              timeout:
                lit:
                  seconds: ${timeout}
              category:
                Patchbay:
                  dataAction:
                    Patchbay - Contact lookup by phone:
                      inputs:
                        phoneNumber:
                          exp: ToString(Call.Ani)
                      successOutputs:
                        success:
                          var: Task.success
                        contactId:
                          var: Task.contactId
                        firstName:
                          var: Task.firstName
                        lastName:
                          var: Task.lastName
                        accountId:
                          var: Task.accountId
                        accountName:
                          var: Task.accountName
                        tier:
                          var: Task.tier
                        matchCount:
                          var: Task.matchCount
              outputs:
                success:
                  actions:
                    - decision:
                        name: Contact found?
                        condition:
                          exp: Task.success
                        outputs:
                          yes:
                            actions:${setAttributes}
                          no:
                            actions:
                              - collectInput:
                                  name: Account number
                                  inputData:
                                    var: Task.accountNumber
                                  digits:
                                    range:
                                      terminatingDtmf: "#"
                                      maxDigits: 12
                                  inputAudio:
                                    tts: Account not found. Please enter your account number followed by the pound key.
                              - callData:
                                  name: Account lookup
                                  timeout:
                                    lit:
                                      seconds: ${timeout}
                                  category:
                                    Patchbay:
                                      dataAction:
                                        Patchbay - Account lookup by account number:
                                          inputs:
                                            accountNumber:
                                              exp: Task.accountNumber
                                          successOutputs:
                                            success:
                                              var: Task.success
                                            contactId:
                                              var: Task.contactId
                                            firstName:
                                              var: Task.firstName
                                            lastName:
                                              var: Task.lastName
                                            accountId:
                                              var: Task.accountId
                                            accountName:
                                              var: Task.accountName
                                            tier:
                                              var: Task.tier
                                  outputs:
                                    success:
                                      actions:
                                        - decision:
                                            name: Account found?
                                            condition:
                                              exp: Task.success
                                            outputs:
                                              yes:
                                                actions:${setAttributes.replace(/\n {26}/g, '\n                                                  ')}
                    - jumpToTask:
                        name: To queue
                        targetTaskRef: "/inboundCall/tasks/task[Queue_20]"
                failure:
                  actions:
                    - jumpToTask:
                        name: Lookup failed
                        targetTaskRef: "/inboundCall/tasks/task[Queue_20]"
                timeout:
                  actions:
                    - playAudio:
                        name: Connecting
                        audio:
                          tts: Connecting you now.
                    - jumpToTask:
                        name: Lookup timed out
                        targetTaskRef: "/inboundCall/tasks/task[Queue_20]"
    - task:
        name: Queue
        refId: Queue_20
        actions:
          - transferToAcd:
              name: Transfer to ${queue}
              targetQueue:
                lit:
                  name: ${queue}
              preTransferAudio:
                tts: Please hold for the next available agent.
              failureTransferAudio:
                tts: Sorry, we cannot transfer your call right now.
          - disconnect:
              name: Disconnect
`;
}
