<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Request;
use Espo\Modules\EblaChat\Classes\Input;

/** DELETE EblaChat/messages/:id: true. */
class DeleteMessage extends Base
{
    protected function handle(Request $request): mixed
    {
        ebla_chat_message_delete($this->engine->pdo(), $this->engine->actorId(), Input::routeId($request));

        return true;
    }
}
