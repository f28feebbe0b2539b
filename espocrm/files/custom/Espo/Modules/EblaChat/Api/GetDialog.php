<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Request;
use Espo\Modules\EblaChat\Classes\Input;

/** GET EblaChat/dialogs/:id */
class GetDialog extends Base
{
    protected function handle(Request $request): mixed
    {
        return ebla_chat_dialog_get($this->engine->pdo(), $this->engine->actorId(), Input::routeId($request));
    }
}
