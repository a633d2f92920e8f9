from django.core.exceptions import ValidationError


def apply_validation_error(form, error):
    """Map a service's ValidationError onto a form, field by field where it names fields."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ServiceFormMixin:
    """FormView helper: call the service in `perform(form)`; a ValidationError it raises is
    shown on the form and nothing the user typed is lost."""

    def form_valid(self, form):
        try:
            self.result = self.perform(form)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        return super().form_valid(form)
