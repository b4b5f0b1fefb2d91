/** GDPR requests (export, update, delete) and their status. */
import platformClient from 'purecloud-platform-client-v2';
import { invalidInput } from '../errors.ts';
import { requireId, type GenesysCore } from './core.ts';

export function gdprOperations(core: GenesysCore) {
  return {
    /** `POST /api/v2/gdpr/requests`; a GDPR_DELETE is sent with `deleteConfirmed=true`. */
    async gdprRequest(
      request: platformClient.Models.GDPRRequest,
    ): Promise<platformClient.Models.GDPRRequest> {
      if (!request || typeof request !== 'object' || !request.requestType || !request.subject)
        throw invalidInput('genesys', 'gdprRequest', 'requestType and subject are required');
      return core.call('gdprRequest', () =>
        core
          .api(platformClient.GeneralDataProtectionRegulationApi)
          .postGdprRequests(request, request.requestType === 'GDPR_DELETE' ? { deleteConfirmed: true } : {}),
      );
    },
    async gdprStatus(requestId: string): Promise<platformClient.Models.GDPRRequest> {
      requireId('gdprStatus', requestId, 'request id');
      return core.call('gdprStatus', () =>
        core.api(platformClient.GeneralDataProtectionRegulationApi).getGdprRequest(requestId),
      );
    },
  };
}
