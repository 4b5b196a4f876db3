"""Forms of the check-in pages: the phone's check-in (with an optional photo) and the file upload."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

PHOTO_MAX_BYTES = 5 * 1024 * 1024
# A phone photo is about 12 megapixels; a picture much larger than this is no photo of a village.
PHOTO_MAX_PIXELS = 50_000_000
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}


class CheckInForm(forms.Form):
    latitude = forms.FloatField(min_value=-90, max_value=90)
    longitude = forms.FloatField(min_value=-180, max_value=180)
    accuracy = forms.FloatField(min_value=0)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    photo = forms.ImageField(
        label=_("照片"),
        required=False,
        error_messages={"invalid_image": _("照片不是有效的图片文件（支持 JPEG、PNG、WebP）")},
    )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo:
            return photo
        if photo.size > PHOTO_MAX_BYTES:
            raise forms.ValidationError(
                _("照片超过 %(mb)s MB，请压缩后再传") % {"mb": PHOTO_MAX_BYTES // (1024 * 1024)}
            )
        image = getattr(photo, "image", None)  # set by ImageField after Pillow verified the file
        if image is None or image.format not in PHOTO_FORMATS:
            raise forms.ValidationError(_("照片不是有效的图片文件（支持 JPEG、PNG、WebP）"))
        if image.width * image.height > PHOTO_MAX_PIXELS:
            raise forms.ValidationError(_("照片尺寸异常，请用手机相机拍摄的照片"))
        return photo

    def location_error(self) -> str:
        """One Chinese sentence when the location fields are missing or out of range."""
        if any(name in self.errors for name in ("latitude", "longitude", "accuracy")):
            return str(_("没有收到有效的位置信息，请允许浏览器获取位置后重新签到"))
        return ""


class ImportForm(forms.Form):
    file = forms.FileField(label=_("签到记录文件（.xlsx）"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > settings.ZHUCUN_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("文件超过大小上限（%(mb)s MB），请拆分后上传")
                % {"mb": settings.ZHUCUN_MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return f
