// Small conveniences; every page works without them.
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () {
    // A changed province makes its district and subdistrict meaningless.
    if (select.name === "province" || select.name === "district") {
      var lower = select.name === "province" ? ["district", "subdistrict"] : ["subdistrict"];
      lower.forEach(function (name) {
        var other = select.form.querySelector("select[name=" + name + "]");
        if (other) other.value = "";
      });
    }
    select.form.submit();
  });
});
