<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Request;
use Espo\Modules\EblaChat\Classes\Input;

/** DELETE EblaChat/dialogs/:id/members/:userId (oneself: leaving): true. */
class RemoveMember extends Base
{
    protected function handle(Request $request): mixed
    {
        ebla_chat_dialog_members(
            $this->engine->pdo(),
            $this->engine->actorId(),
            Input::routeId($request),
            [],
            [Input::routeId($request, 'userId')],
        );

        return true;
    }
}
