<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Request;
use Espo\Core\Exceptions\BadRequest;
use Espo\Modules\EblaChat\Classes\Input;

/** PUT EblaChat/dialogs/:id/mute {muted}: the dialog row. */
class Mute extends Base
{
    protected function handle(Request $request): mixed
    {
        $muted = Input::optionalBool(Input::body($request), 'muted') ?? throw new BadRequest("No 'muted'.");
        $dialogId = Input::routeId($request);
        $pdo = $this->engine->pdo();
        $actorId = $this->engine->actorId();

        ebla_chat_dialog_mute($pdo, $actorId, $dialogId, $muted);

        return ebla_chat_dialog_get($pdo, $actorId, $dialogId);
    }
}
