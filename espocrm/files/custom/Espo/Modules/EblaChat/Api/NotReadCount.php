<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Action;
use Espo\Core\Api\Request;
use Espo\Core\Api\Response;
use Espo\Core\Api\ResponseComposer;
use Espo\Modules\EblaChat\Classes\Engine;
use Espo\Tools\Notification\RecordService;

/**
 * GET Notification/action/notReadCount, the number on EspoCRM's bell: EspoCRM's own unread
 * notifications plus the chat's unread total (muted dialogs excluded). Without the extension,
 * or for a user without the Dialog scope, EspoCRM's count alone.
 */
class NotReadCount implements Action
{
    public function __construct(
        private Engine $engine,
        private RecordService $recordService,
    ) {}

    public function process(Request $request): Response
    {
        $userId = $this->engine->actorId();
        $count = $this->recordService->getNotReadCount($userId);

        if (Engine::isLoaded() && $this->engine->acl()->checkScope(Engine::SCOPE, 'read')) {
            try {
                $count += ebla_chat_unread($this->engine->pdo(), $userId)['total'];
            } catch (\EblaChat\Exception) {
                // An actor the chat refuses (portal users shut out): EspoCRM's count alone.
            }
        }

        return ResponseComposer::json($count);
    }
}
